"""Recognisers: actors, places, numbers and dates in a segmented document."""
