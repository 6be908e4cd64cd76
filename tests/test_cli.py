import pytest
from django.core.management import CommandError, call_command

from medcode import cli

pytestmark = pytest.mark.django_db


def test_show_prints_the_page_as_text(capsys):
    call_command("show_code", "s72.001a")
    out = capsys.readouterr().out
    assert "ICD-10-CM S72.001A" in out and "Fracture of femur" in out and "/icd-10-cm/S72.001A/" in out


def test_show_unknown_code_suggests_close_ones():
    with pytest.raises(CommandError, match="S72.001A"):
        call_command("show_code", "S72.001Z")


def test_console_script_maps_coder_names_to_commands(capsys):
    cli.main(["show", "J1100"])
    assert "dexamethasone" in capsys.readouterr().out


def test_console_script_help(capsys):
    assert cli.main([]) == 0
    assert "load-data" in capsys.readouterr().out


def test_load_data_twice_is_idempotent(capsys):
    call_command("load_data")
    out = capsys.readouterr().out
    assert "already loaded" in out and "done in" in out
