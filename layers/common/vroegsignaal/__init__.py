"""Vroegsignaal: early signals of payment arrears, sorted into werkbakjes."""
