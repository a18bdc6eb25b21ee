"""Reading a CSV: headers in any case and spelling we list, one sentence for a bad file, and never an
exception for any input (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.airmeet.bulk import BOOTHS, REGISTRATIONS, SESSIONS, SPEAKERS
from commands.framework.errors import UserError
from commands.imports.preview import validate_rows
from commands.imports.table import MAX_ROWS, columns_of, read_table
from tests.support.sentences import assert_one_sentence

SPEAKER_COLUMNS = columns_of(SPEAKERS.row)


def test_headers_match_whatever_their_case_spacing_or_dashes() -> None:
    rows = read_table("  NAME ,E-Mail,organization\nAda,ada@example.com,Analytical\n", columns=SPEAKER_COLUMNS)
    assert [(row.number, row.cells) for row in rows] == [
        (2, {"name": "Ada", "email": "ada@example.com", "organisation": "Analytical"})]


def test_semicolons_tabs_a_bom_and_windows_bytes_are_read() -> None:
    assert read_table("\ufeffname;email\nAda;ada@example.com\n", columns=SPEAKER_COLUMNS)[0].cells["email"] == \
        "ada@example.com"
    assert read_table(b"name\temail\r\nZo\xeb,x\tzoe@example.com\r\n", columns=SPEAKER_COLUMNS)[0].cells["name"] == "Zoë,x"


def test_blank_rows_are_left_out_and_rows_keep_their_spreadsheet_number() -> None:
    rows = read_table("name,email\n\nAda,ada@example.com\n,\nAlan,alan@example.com\n", columns=SPEAKER_COLUMNS)
    assert [row.number for row in rows] == [3, 5]


@pytest.mark.parametrize(("text", "expected"), [
    ("name,mail_address,shoe size\nAda,a@b.io,4\n",
     "The CSV header has unknown columns `mail_address`, `shoe size` and missing column `email`: the columns are "
     "`name`, `email`, `organisation`, `designation`, `bio`, `image_url`, `city`, `country` (`name`, `email` "
     "required), in any order and any case."),
    ("email,e-mail,name\n", "column `email` given twice"),
    ("", "That CSV is empty"),
    (",,,\n,,\n", "That CSV is empty"),
    ("name,email\n", "has a header but no rows"),
    ("name,email\n\"Ada,ada@example.com\n", "a quote is not closed"),
    (b"\x00\x01\x02name", "not a CSV"),
])
def test_a_bad_file_is_one_sentence_naming_what_to_fix(text: str | bytes, expected: str) -> None:
    with pytest.raises(UserError) as raised:
        read_table(text, columns=SPEAKER_COLUMNS)
    assert expected in str(raised.value)
    assert_one_sentence(str(raised.value))


def test_too_many_rows_are_refused_before_anything_is_stored() -> None:
    text = "name,email\n" + "A,a@example.com\n" * (MAX_ROWS + 1)
    with pytest.raises(UserError, match="more than 5000 rows"):
        read_table(text, columns=SPEAKER_COLUMNS)


def test_each_kind_names_its_row_problems_in_words() -> None:
    table = read_table("title,start,duration,host,speakers\n"
                       "Keynote,2030-05-06 09:00,45,host@example.com,Ada <ada@example.com>; alan@example.com\n"
                       "Late,tomorrow,45,host@example.com,\n"
                       "Long,2030-05-06 11:00,0,host@example.com,\n"
                       "Bad speaker,2030-05-06 12:00,30,host@example.com,ada at example\n",
                       columns=columns_of(SESSIONS.row))
    rows = validate_rows(SESSIONS, table, job_id="j")
    assert [row.reason for row in rows] == [
        None, "start is not a date and time like 2030-05-06 09:00", "duration must be between 1 and 1440 minutes",
        "speakers 'ada at example' is not an e-mail or `Name <e-mail>`"]
    assert rows[0].data["speakers"] == ["Ada <ada@example.com>", "alan@example.com"]
    booths = validate_rows(BOOTHS, read_table("name,tags\nSponsor,gold;eu\n,x\n", columns=columns_of(BOOTHS.row)),
                           job_id="j")
    assert [(b.data.get("tags"), b.reason) for b in booths] == [(["gold", "eu"], None), ({"tags": "x"}.get("tags"),
                                                                                          "name is empty")]
    people = validate_rows(REGISTRATIONS, read_table("First Name,Last Name,Email\nAda,L,ada@example.com\n"
                                                     "Ada,L,ADA@example.com\n", columns=columns_of(REGISTRATIONS.row)),
                           job_id="j")
    assert [p.reason for p in people] == [None, "it repeats row 2"]


def test_a_row_with_more_cells_than_the_header_is_an_error_of_that_row() -> None:
    rows = validate_rows(SPEAKERS, read_table("name,email\nAda,ada@example.com,extra\n", columns=SPEAKER_COLUMNS),
                         job_id="j")
    assert rows[0].reason == "it has more cells than the header has columns"


@given(st.one_of(st.binary(max_size=400), st.text(max_size=400),
                 st.lists(st.lists(st.sampled_from(["name", "email", "Ada", "a@b.io", "", '"', ",", "\n", "é", "\r"]),
                                   max_size=6), max_size=6).map(lambda rows: "\n".join(",".join(r) for r in rows))))
def test_any_input_gives_rows_or_one_sentence_never_an_exception(data: bytes | str) -> None:
    try:
        table = read_table(data, columns=SPEAKER_COLUMNS)
    except UserError as error:
        assert_one_sentence(str(error))
        return
    for row in validate_rows(SPEAKERS, table, job_id="j"):
        assert row.status in ("pending", "invalid") and (row.status == "pending") == (row.reason is None)
