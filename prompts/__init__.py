"""Prompt templates (the *.txt files beside this one), loaded at run time."""
