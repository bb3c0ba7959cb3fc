"""``convention-xlsx modele``: the blank or pre-filled section template (placeholder)."""
