"""Task heads on top of any Hugging Face encoder."""
