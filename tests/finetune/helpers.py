"""Helpers of the fine-tuning tests."""

#: Texts of different lengths in the tiny model's three languages (padding must not change a prediction).
TEXTS = ["le chat", "the big red dog in the house", "der hund", "a", "la maison bleu et rouge du soleil", "sun moon"]
