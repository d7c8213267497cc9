"""Downloads of the official layouts: PDF and Excel, from the same layout description."""
