"""The count follows Dutch association law: more than the pass share of for+against, blanks count for quorum only."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from coop.governance.tally import Count

FIFTY = Decimal("50.00")


def count(electorate, votes_for, votes_against, abstentions, quorum="10.00", pass_percent=FIFTY):
    return Count(electorate, votes_for, votes_against, abstentions, Decimal(quorum), Decimal(pass_percent))


def test_a_tie_rejects():
    assert not count(10, 3, 3, 0).passed


def test_one_vote_more_than_half_passes():
    assert count(10, 4, 3, 0).passed


def test_exactly_at_quorum_counts_as_reached():
    # 10 % of 50 is 5 voters: five votes (one of them blank) reach the quorum.
    assert count(50, 3, 1, 1).quorum_met
    assert not count(50, 3, 1, 0).quorum_met
    assert count(50, 3, 1, 1).quorum_needed == 5


def test_blank_votes_count_for_quorum_but_not_for_majority():
    with_blanks = count(20, 2, 1, 10)
    assert with_blanks.quorum_met and with_blanks.passed
    assert not count(20, 2, 1, 0, quorum="50.00").quorum_met


def test_only_blank_votes_reject():
    assert not count(10, 0, 0, 5).passed


def test_exactly_at_the_pass_share_is_not_more():
    # 2/3 in favour with a pass share of 66.67 % is not more than it: rejected; one vote more passes.
    assert not count(30, 2, 1, 0, pass_percent="66.67").passed
    assert count(30, 4, 1, 0, pass_percent="66.67").passed


def test_nobody_may_vote_rejects():
    assert not count(0, 0, 0, 0, quorum="0").passed


votes = st.integers(min_value=0, max_value=500)
percents = st.decimals(min_value=0, max_value=100, places=2)


@given(
    votes,
    votes,
    votes,
    st.integers(min_value=0, max_value=500),
    percents,
    st.decimals(min_value=50, max_value=100, places=2),
)
def test_passing_means_quorum_and_strictly_more_than_the_share(f, a, b, extra, quorum, pass_share):
    electorate = f + a + b + extra
    c = count(electorate, f, a, b, quorum, pass_share)
    assert c.passed == (
        electorate > 0
        and (f + a + b) * 100 >= quorum * electorate
        and f + a > 0
        and Decimal(f) / Decimal(f + a) * 100 > pass_share
    )


@given(votes, votes, votes, st.integers(min_value=1, max_value=500))
def test_blank_votes_never_change_the_majority(f, a, b, more_blanks):
    electorate = f + a + b + more_blanks + 1
    before = count(electorate, f, a, b, quorum="0")
    after = count(electorate, f, a, b + more_blanks, quorum="0")
    assert before.majority == after.majority


@given(votes, votes)
def test_a_tie_never_passes_at_fifty_percent(n, blanks):
    assert not count(2 * n + blanks + 1, n, n, blanks, quorum="0").passed


@given(votes, votes, votes)
def test_more_turnout_never_loses_the_quorum(f, a, b):
    electorate = f + a + b + 10
    assert count(electorate, f + 1, a, b).quorum_met >= count(electorate, f, a, b).quorum_met
