import re

import pytest

from pb.csvimport import Column, CsvFileError, decode, read_rows

COLUMNS = (
    Column("postcode", "postcode", ("pcds", "pcd", "postcode")),
    Column("ward", "ward code", ("osward", "ward")),
)


def test_a_byte_order_mark_and_header_case_do_not_matter():
    text = decode("\ufeffPostCode,Other,WARD\r\nAB1 1AA,x,E05000001\r\n".encode())
    rows, errors = read_rows(text, COLUMNS)
    assert errors == []
    assert [(r.line, r.values) for r in rows] == [(2, {"postcode": "AB1 1AA", "ward": "E05000001"})]


def test_line_numbers_count_blank_lines_and_quoted_line_breaks():
    text = 'postcode,ward,note\n\nAB1 1AA,E1,"two\nlines"\n , \nAB1 1AB, E2 \n'
    rows, _ = read_rows(text, COLUMNS)
    assert [(r.line, r.values["ward"]) for r in rows] == [(3, "E1"), (6, "E2")]


def test_the_first_accepted_header_wins():
    rows, _ = read_rows("pcd,pcds,osward\nAB1  1AA,AB1 1AA,E1\n", COLUMNS)
    assert rows[0].values["postcode"] == "AB1 1AA"


def test_short_rows_give_empty_values():
    rows, _ = read_rows("postcode,ward\nAB1 1AA\n", COLUMNS)
    assert rows[0].values == {"postcode": "AB1 1AA", "ward": ""}


@pytest.mark.parametrize(
    "text, message",
    [
        ("postcode,district\nAB1 1AA,x\n", "no column for: ward code (headed osward or ward)"),
        ("postcode,ward\n", "a header row but no rows"),
        ("\n\n", "empty"),
    ],
)
def test_whole_file_problems_are_explained(text, message):
    with pytest.raises(CsvFileError, match=re.escape(message)):
        read_rows(text, COLUMNS)


def test_text_that_is_not_utf8_is_refused_with_its_line():
    with pytest.raises(CsvFileError, match=r"not UTF-8 text \(the first problem is on line 2\)"):
        decode("postcode,ward\nSt Görans,E1\n".encode("latin-1"))


def test_too_many_rows_is_refused():
    with pytest.raises(CsvFileError, match="more than 2 rows"):
        read_rows("postcode,ward\na,b\nc,d\ne,f\n", COLUMNS, max_rows=2)
