"""MAMP heads."""
