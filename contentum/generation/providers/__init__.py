"""Image providers behind one interface; `base.get_image_provider()` picks one by settings."""
