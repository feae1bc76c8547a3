"""Column types shared by the models: enumerations stored as their text, checked by the database.

`EnumText(Phase)` stores a StrEnum's value in a VARCHAR and gives the member back when read,
so code compares members (`pot.phase is Phase.VOTING`), not strings; `enum_check` is the CHECK
constraint that keeps any other value out, whoever writes (migration 0009 adds them).
"""

from enum import StrEnum

from sqlalchemy import CheckConstraint, String
from sqlalchemy.types import TypeDecorator


class EnumText(TypeDecorator):
    """A StrEnum kept as its value in a VARCHAR of `length`; an unknown value is a ValueError
    before it reaches the database."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int = 20):
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum(value)


def enum_check(column: str, enum: type[StrEnum]) -> CheckConstraint:
    """CHECK (column IN (the enum's values)), named after the column (ck_<table>_<column>)."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=column)
