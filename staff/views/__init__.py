"""Staff pages: views parse input, call a selector or a service, and render (one module per area)."""
