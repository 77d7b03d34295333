"""The evaluation harness: run question sets, score answers and extraction, measure search recall."""
