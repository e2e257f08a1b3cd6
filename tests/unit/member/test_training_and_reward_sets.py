"""The 培训情况 info set and 奖惩情况's 批准机关级别 (domain/info_sets.py), and the counted facts their
rows give the annual report's 表9 and 表12 (training_facts, commendation_facts)."""
from datetime import date

import pytest

from services.member.domain.info_sets import (
    INFO_SETS,
    MemberDates,
    commendation_facts,
    training_facts,
    validate_row,
)
from services.shared.field_errors import FieldErrors

TODAY = date(2024, 6, 1)
MEMBER = MemberDates(birth_date=date(1980, 5, 1), joined_on=date(2005, 7, 1))
TRAINING = {"name": "党员冬训", "level": "县（市、区、旗）", "started_on": "2023-12-01"}


def row(key, data):
    return validate_row(INFO_SETS[key], data, MEMBER, TODAY)


def errors_of(key, data) -> dict:
    with pytest.raises(FieldErrors) as caught:
        row(key, data)
    return caught.value.fields


def test_a_training_is_normalized_with_its_level_mode_and_hours():
    assert row("trainings", {**TRAINING, "level": "县级", "mode": "网络培训", "hours": "16",
                             "organizer": " 县委组织部 ", "ended_on": "2023-12-03"}) == \
        {"name": "党员冬训", "level": "4", "organizer": "县委组织部", "mode": "3", "started_on": date(2023, 12, 1),
         "ended_on": date(2023, 12, 3), "hours": 16}
    assert row("trainings", {**TRAINING, "hours": 2000})["hours"] == 2000
    assert row("trainings", {**TRAINING, "hours": ""})["hours"] is None


def test_a_training_needs_name_level_and_start_and_sound_hours_and_dates():
    assert set(errors_of("trainings", {})) == {"name", "level", "started_on"}
    for hours in ("0", "2001", "1.5", "-3", True, "十"):
        assert errors_of("trainings", {**TRAINING, "hours": hours}) == {"hours": "应为1至2000的整数"}, hours
    assert errors_of("trainings", {**TRAINING, "level": "7"}) == {"level": "未知的举办单位级别：7"}
    assert errors_of("trainings", {**TRAINING, "ended_on": "2023-11-30"}) == {"ended_on": "结束日期不能早于开始日期"}
    assert errors_of("trainings", {**TRAINING, "started_on": "2024-06-02"}) == {"started_on": "开始日期不能晚于今天"}


def test_a_training_begun_before_joining_is_not_a_members():
    assert errors_of("trainings", {**TRAINING, "started_on": "2005-06-30"}) == \
        {"started_on": "开始日期不能早于入党日期（2005-07-01）"}
    assert row("trainings", {**TRAINING, "started_on": "2005-07-01"})["started_on"] == date(2005, 7, 1)


def test_a_reward_level_is_optional_so_rows_recorded_before_stay_valid():
    reward = {"kind": "奖励", "name": "优秀共产党员", "decided_on": "2023-07-01"}
    assert row("rewards", reward)["level"] is None
    assert row("rewards", {**reward, "level": "省级"})["level"] == "2"
    assert errors_of("rewards", {**reward, "level": "乡"}) == {"level": "未知的批准机关级别：乡"}


def test_counted_facts_oldest_first_and_only_rewards_of_kind_commendation():
    trainings = [{"id": 2, "started_on": date(2024, 3, 1), "level": "6", "mode": None, "hours": None},
                 {"id": 1, "started_on": date(2023, 5, 1), "level": "4", "mode": "1", "hours": 8}]
    assert training_facts(trainings) == [["2023-05-01", "4", "1", 8], ["2024-03-01", "6", None, None]]
    rewards = [{"id": 1, "kind": "1", "decided_on": date(2024, 7, 1), "level": "2"},
               {"id": 2, "kind": "2", "decided_on": date(2023, 1, 1), "level": "6"},
               {"id": 3, "kind": "1", "decided_on": date(2022, 7, 1), "level": None}]
    assert commendation_facts(rewards) == [["2022-07-01", None], ["2024-07-01", "2"]]
    assert training_facts([]) == [] and commendation_facts([]) == []
