"""Image generation: providers, stored images, quality checks and prompt paraphrase."""
