"""Native installer recipes (.deb, Inno Setup, .app/.dmg); never part of the installed package."""
