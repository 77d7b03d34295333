"""The HTTP API (FastAPI): routes, request and response models, and the page."""
