"""File › Export diagnostic bundle: gather, preview exactly what is written, then save."""
