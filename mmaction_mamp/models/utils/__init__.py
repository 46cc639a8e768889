"""MAMP utils."""
