"""Qt item models over core objects (the History table's model lives here)."""
