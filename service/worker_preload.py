"""Imported once by the worker server so every worker starts with its extraction pipelines built."""
from service.analysis import warm_up

warm_up()
