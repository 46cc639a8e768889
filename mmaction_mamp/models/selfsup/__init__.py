"""MAMP selfsup."""
