"""Replaces pyinstaller-hooks-contrib's phonenumbers hook, which collects every submodule.

phonenumbers imports its per-region metadata by name at run time, so those
modules (phonenumbers.data.*, .shortdata.*) must be named. The geocoding,
carrier and time-zone tables (43 MB of the 48 MB package) are left out:
Switchboard never uses them (see installer/freeze.py, EXCLUDED_MODULES).
"""

from PyInstaller.utils.hooks import collect_submodules

_UNUSED = ("geocoder", "geodata", "carrier", "carrierdata", "timezone", "tzdata")



def _wanted(name: str) -> bool:
    parts = name.split(".")
    return len(parts) < 2 or parts[1] not in _UNUSED


hiddenimports = collect_submodules("phonenumbers", filter=_wanted)
