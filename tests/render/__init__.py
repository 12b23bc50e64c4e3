"""Tests of the render layer: rows and describe text."""
