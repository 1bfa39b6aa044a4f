"""Views: thin; they call selectors and services."""
