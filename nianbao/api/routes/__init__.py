"""HTTP routes, one module per area; each translates HTTP to a call into the domain and back."""
