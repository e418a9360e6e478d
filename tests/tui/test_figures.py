"""Losses and scores in the summaries: four decimals as the tutorial prints them, unless that would
hide the number."""

from __future__ import annotations

from tui.render.figures import figure


def test_ordinary_losses_keep_the_tutorials_four_decimals() -> None:
    """0.6079 and 12.5 read as the tutorial prints them; zero is 0.0000."""
    assert (figure(0.60791), figure(12.5), figure(0.0)) == ("0.6079", "12.5000", "0.0000")


def test_a_loss_under_a_ten_thousandth_keeps_its_digits() -> None:
    """A loss of 4.2e-05 would read 0.0000 in four decimals; 0.00025 keeps them (0.0003)."""
    assert (figure(4.2e-05), figure(0.00025)) == ("4.2e-05", "0.0003")


def test_a_loss_that_blew_up_is_short() -> None:
    """A finite loss of 2.26e35 is not printed as 36 digits; non-finite ones read nan and inf."""
    assert figure(2.2631e35) == "2.263e+35"
    assert (figure(float("nan")), figure(float("inf"))) == ("nan", "inf")
