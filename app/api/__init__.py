"""HTTP: the routes, their request and response models, errors and security headers."""
