"""The numbers the Sandbox's API client owns: one that works, others that teach.

All are fictional (555-01xx is reserved for fiction in the North American
plan). Each extra number exercises one send-time rule the seed describes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from desktop.sandbox.faults import Faults


@dataclass(frozen=True, slots=True)
class Number:
    number_id: str
    e164: str
    status: str
    campaign_reg_id: str | None
    sms_enabled: bool
    mms_enabled: bool
    label: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "numberId": self.number_id,
            "e164": self.e164,
            "status": self.status,
            "campaignRegId": self.campaign_reg_id,
            "smsEnabled": self.sms_enabled,
            "mmsEnabled": self.mms_enabled,
            "label": self.label,
        }


WORKING_NUMBER_ID = "num_sbx_0142"

NUMBERS: tuple[Number, ...] = (
    Number(
        WORKING_NUMBER_ID,
        "+12025550142",
        "ACTIVE",
        "CSBX0142",
        True,
        True,
        "Sandbox main line: SMS and MMS, campaign registered (use this one)",
    ),
    Number(
        "num_sbx_0143",
        "+12025550143",
        "ACTIVE",
        None,
        True,
        True,
        "No campaign registration: sends are rejected",
    ),
    Number(
        "num_sbx_0144",
        "+12025550144",
        "INACTIVE",
        "CSBX0144",
        True,
        True,
        "Inactive number: sends are rejected",
    ),
    Number(
        "num_sbx_0145",
        "+12025550145",
        "ACTIVE",
        "CSBX0145",
        False,
        True,
        "MMS only: SMS sends are rejected",
    ),
    Number(
        "num_sbx_0146",
        "+12025550146",
        "ACTIVE",
        "CSBX0146",
        True,
        False,
        "SMS only: MMS sends are rejected",
    ),
)


def owned_numbers(faults: Faults) -> tuple[Number, ...]:
    """The client's numbers as the current faults make them look.

    ``number_not_sms_enabled`` turns SMS off on every number, not just the
    working one: otherwise a checklist that picks "the first eligible
    number" would quietly send from another and never show the symptom.
    """
    if faults.is_on("no_numbers"):
        return ()
    if not faults.is_on("number_not_sms_enabled"):
        return NUMBERS
    return tuple(replace(n, sms_enabled=False) for n in NUMBERS)


def find_number(faults: Faults, number_id: str) -> Number | None:
    return next((n for n in owned_numbers(faults) if n.number_id == number_id), None)
