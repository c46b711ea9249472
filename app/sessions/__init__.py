"""Live sessions, one per browser tab, and the store that keeps them."""
