"""MAMP backbones."""
