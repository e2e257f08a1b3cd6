import pytest

from services.shared.codes import (
    EDUCATION,
    ETHNICITIES,
    LEAVE_KINDS,
    MEMBER_CATEGORIES,
    ORG_TYPES,
    SEXES,
    CodeTable,
)

# GB/T 3304-1991 in official order, written out independently of codes.py.
OFFICIAL_ETHNICITIES = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 "
    "满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 傈僳族 "
    "佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 "
    "达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 "
    "塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 "
    "独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()


def test_ethnicities_full_official_list():
    expected = [(f"{i:02d}", n) for i, n in enumerate(OFFICIAL_ETHNICITIES, 1)]
    expected += [("97", "其他"), ("98", "外国血统中国籍人士")]
    assert ETHNICITIES.items() == expected
    assert len(ETHNICITIES.codes()) == 58


@pytest.mark.parametrize(
    "value, code",
    [
        ("01", "01"), ("汉族", "01"), ("汉", "01"), (1, "01"), ("1", "01"),
        ("30", "30"), ("土族", "30"), ("土", "30"),
        ("15", "15"), ("土家族", "15"), ("土家", "15"),
        ("46", "46"), ("德昂族", "46"), ("德昂", "46"), ("崩龙族", "46"), ("崩龙", "46"),
        ("56", "56"), ("基诺族", "56"), (56, "56"),
        ("97", "97"), ("其他", "97"), ("98", "98"), ("外国血统中国籍人士", "98"),
        ("  汉族 ", "01"), ("\u3000回\n", "03"), (" 9 ", "09"),
    ],
)
def test_ethnicity_resolve(value, code):
    assert ETHNICITIES.resolve(value) == code


@pytest.mark.parametrize(
    "value",
    ["", "   ", "00", "0", "57", "99", "96", "001", "汉人", "外国血统中国籍人", "外国血统中国籍人士族",
     "其他族", None, True, 1.0, b"01", ["01"], 0, -1, 57],
)
def test_ethnicity_unknown(value):
    assert ETHNICITIES.resolve(value) is None


def test_every_ethnicity_resolves_by_code_name_and_short_name():
    for code, name in ETHNICITIES.items():
        assert ETHNICITIES.resolve(code) == code
        assert ETHNICITIES.resolve(name) == code
        assert ETHNICITIES.name(code) == name
        if code <= "56":
            assert ETHNICITIES.resolve(name.removesuffix("族")) == code
            assert ETHNICITIES.resolve(int(code)) == code


def test_name_lookup_and_keyerror():
    assert ETHNICITIES.name("01") == "汉族"
    assert ETHNICITIES.name("46") == "德昂族"
    with pytest.raises(KeyError):
        ETHNICITIES.name("57")
    with pytest.raises(KeyError):
        ETHNICITIES.name("汉族")


def test_sexes():
    assert SEXES.items() == [("0", "未知的性别"), ("1", "男"), ("2", "女"), ("9", "未说明的性别")]
    assert SEXES.resolve("男") == "1"
    assert SEXES.resolve("男性") == "1"
    assert SEXES.resolve("女") == "2"
    assert SEXES.resolve("女性") == "2"
    assert SEXES.resolve(2) == "2"
    assert SEXES.resolve(0) == "0"
    assert SEXES.resolve("9") == "9"
    assert SEXES.resolve("未说明的性别") == "9"
    assert SEXES.resolve("3") is None
    assert SEXES.resolve("01") is None
    assert SEXES.resolve(True) is None


def test_member_categories():
    assert MEMBER_CATEGORIES.items() == [("01", "正式党员"), ("02", "预备党员")]
    for value, code in [
        ("01", "01"), (1, "01"), ("1", "01"), ("正式党员", "01"), ("正式", "01"), ("中共党员", "01"),
        ("02", "02"), (2, "02"), ("预备党员", "02"), ("预备", "02"), ("中共预备党员", "02"), (" 预备 ", "02"),
    ]:
        assert MEMBER_CATEGORIES.resolve(value) == code, value
    for value in ["03", 3, "党员", "群众", "共青团员", ""]:
        assert MEMBER_CATEGORIES.resolve(value) is None, value


def test_org_types():
    assert ORG_TYPES.codes() == ["10", "11", "12", "21", "31", "32", "33", "41"]
    assert ORG_TYPES.names() == ["地方委员会", "党委", "党工委", "党总支", "党支部", "联合党支部", "临时党支部", "党组"]
    for value, code in [
        ("党委", "11"), ("基层党委", "11"), (11, "11"), ("党工委", "12"), ("党总支", "21"), ("总支", "21"),
        ("党支部", "31"), ("支部", "31"), ("31", "31"), ("联合党支部", "32"), ("临时党支部", "33"), ("党组", "41"),
        ("地方委员会", "10"), ("省委", "10"), ("市委", "10"), ("县委", "10"), ("自治区党委", "10"),
    ]:
        assert ORG_TYPES.resolve(value) == code, value
    for value in ["1", "13", "党小组", "委员会", ""]:
        assert ORG_TYPES.resolve(value) is None, value


def test_education():
    assert EDUCATION.items() == [
        ("10", "研究生"), ("20", "大学本科"), ("30", "大学专科"), ("40", "中等职业教育"),
        ("60", "普通高级中学教育"), ("70", "初级中学教育"), ("80", "小学教育"), ("90", "其他"),
    ]
    assert EDUCATION.resolve("本科") == "20"
    assert EDUCATION.resolve("大专") == "30"
    assert EDUCATION.resolve("中专") == "40"
    assert EDUCATION.resolve("高中") == "60"
    assert EDUCATION.resolve(70) == "70"
    assert EDUCATION.resolve("50") is None
    assert EDUCATION.resolve("1") is None


def test_lists_are_copies():
    ETHNICITIES.codes().append("99")
    ETHNICITIES.names().clear()
    ETHNICITIES.items().pop()
    assert len(ETHNICITIES.codes()) == 58
    assert ETHNICITIES.resolve("98") == "98"


def test_short_code_only_when_unambiguous():
    table = CodeTable("t", [("01", "甲"), ("001", "乙"), ("02", "丙")])
    assert table.resolve("1") is None  # "01" and "001" both shorten to "1"
    assert table.resolve("2") == "02"
    assert table.resolve(2) == "02"
    assert table.resolve("001") == "001"


def test_short_code_never_shadows_a_real_code():
    table = CodeTable("t", [("1", "甲"), ("01", "乙")])
    assert table.resolve("1") == "1"
    assert table.resolve(1) == "1"
    assert table.resolve("01") == "01"


def test_constructor_rejects_bad_definitions():
    with pytest.raises(ValueError):
        CodeTable("t", [("01", "甲"), ("01", "乙")])
    with pytest.raises(ValueError):
        CodeTable("t", [("01", "甲")], {"乙": "02"})
    with pytest.raises(ValueError):
        CodeTable("t", [("01", "甲"), ("02", "乙")], {"甲": "02"})


def test_leave_kinds():
    assert LEAVE_KINDS.names() == ["死亡", "开除党籍", "劝退除名", "自行脱党除名", "退党除名", "取消预备党员资格",
                                   "停止党籍"]
    for value, code in [
        ("死亡", "10"), ("去世", "10"), (10, "10"), ("开除党籍", "21"), ("开除", "21"), ("除名", "22"),
        ("劝退", "22"), ("劝而不退除名", "22"), ("自行脱党", "23"), ("脱党", "23"), ("退党", "24"),
        ("退党除名", "24"), ("取消预备资格", "25"), ("停止党籍", "30"), ("30", "30"),
    ]:
        assert LEAVE_KINDS.resolve(value) == code, value
    for value in ["转出", "11", "调走", "", None]:
        assert LEAVE_KINDS.resolve(value) is None, value
