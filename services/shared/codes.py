"""National code tables (see RULES.md §9) and a small lookup class."""

from __future__ import annotations


class CodeTable:
    """An ordered code table that resolves codes, names and aliases to codes."""

    def __init__(
        self,
        name_zh: str,
        entries: list[tuple[str, str]],
        aliases: dict[str, str] | None = None,
    ):
        self.name_zh = name_zh
        self._entries = [(str(code), str(name)) for code, name in entries]
        self._names = dict(self._entries)
        if len(self._names) != len(self._entries):
            raise ValueError(f"{name_zh}：代码重复")

        lookup: dict[str, str] = {}

        def add(key: str, code: str) -> None:
            # A key mapping to two codes would make resolve() order-dependent.
            if lookup.get(key, code) != code:
                raise ValueError(f"{name_zh}：“{key}”有歧义")
            lookup[key] = code

        for code, name in self._entries:
            add(code, code)
            add(name, code)

        # "1" -> "01" only when no other code also shortens to "1".
        short: dict[str, list[str]] = {}
        for code in self._names:
            if code.isdigit() and code.startswith("0") and len(code) > 1:
                short.setdefault(code.lstrip("0") or "0", []).append(code)
        for key, codes in short.items():
            if len(codes) == 1 and key not in lookup:
                lookup[key] = codes[0]

        for alias, code in (aliases or {}).items():
            if code not in self._names:
                raise ValueError(f"{name_zh}：别名“{alias}”指向未知代码{code}")
            add(alias, code)

        self._lookup = lookup

    def resolve(self, value) -> str | None:
        # str(True) is "True", so bools fall through to None here.
        if isinstance(value, int):
            value = str(value)
        if not isinstance(value, str):
            return None
        return self._lookup.get(value.strip())

    def name(self, code) -> str:
        return self._names[code]

    def codes(self) -> list[str]:
        return [code for code, _ in self._entries]

    def names(self) -> list[str]:
        return [name for _, name in self._entries]

    def items(self) -> list[tuple[str, str]]:
        return list(self._entries)

    def __contains__(self, code) -> bool:
        return code in self._names

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"CodeTable({self.name_zh!r}, {len(self)} entries)"


# GB/T 3304-1991, official order.
_ETHNIC_ROOTS = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 "
    "满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 "
    "佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 "
    "达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 "
    "塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 "
    "独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()

ETHNICITIES = CodeTable(
    "民族",
    [(f"{i:02d}", root + "族") for i, root in enumerate(_ETHNIC_ROOTS, start=1)]
    + [("97", "其他"), ("98", "外国血统中国籍人士")],
    # 崩龙 is 德昂's name before 1985; old records still use it.
    {root: f"{i:02d}" for i, root in enumerate(_ETHNIC_ROOTS, start=1)}
    | {"崩龙族": "46", "崩龙": "46"},
)

# GB/T 2261.1-2003.
SEXES = CodeTable(
    "性别",
    [("0", "未知的性别"), ("1", "男"), ("2", "女"), ("9", "未说明的性别")],
    {"男性": "1", "女性": "2", "未知": "0", "未说明": "9"},
)

# 政治面貌 (GB/T 4762) uses 中共党员 / 中共预备党员 for the same two states.
MEMBER_CATEGORIES = CodeTable(
    "党员类别",
    [("01", "正式党员"), ("02", "预备党员")],
    {"正式": "01", "预备": "02", "中共党员": "01", "中共预备党员": "02"},
)

# PMIS's own codes: the official 党组织类别 codes are not confirmed (RULES.md).
# 地方委员会: the party committees of a province, city or county (省委/市委/县委 …), above the
# grassroots ones; 校核 holds them to no member-count threshold (that of 基层党委 is not theirs).
ORG_TYPES = CodeTable(
    "党组织类别",
    [
        ("10", "地方委员会"),
        ("11", "党委"),
        ("12", "党工委"),
        ("21", "党总支"),
        ("31", "党支部"),
        ("32", "联合党支部"),
        ("33", "临时党支部"),
        ("41", "党组"),
    ],
    {"基层党委": "11", "支部": "31", "总支": "21", "地方党委": "10", "省委": "10", "自治区党委": "10", "市委": "10",
     "州委": "10", "盟委": "10", "县委": "10", "区委": "10", "旗委": "10"},
)

# GB/T 4658-2006, top level only; short forms are what people type.
EDUCATION = CodeTable(
    "学历",
    [
        ("10", "研究生"),
        ("20", "大学本科"),
        ("30", "大学专科"),
        ("40", "中等职业教育"),
        ("60", "普通高级中学教育"),
        ("70", "初级中学教育"),
        ("80", "小学教育"),
        ("90", "其他"),
    ],
    {
        "本科": "20",
        "专科": "30",
        "大专": "30",
        "中等职业": "40",
        "中专": "40",
        "高中": "60",
        "初中": "70",
        "小学": "80",
    },
)

# Ways a member leaves the active rolls (RULES.md §9, decrease reasons).
# PMIS's own codes, grouped by tens: 1x 死亡, 2x 出党, 3x 停止党籍, 4x 转出 (official codes not confirmed).
# 除名 alone means 党章 art. 38's 劝而不退除名, its most common use.
_LEAVE_KINDS_BY_HAND = [
    ("10", "死亡"),
    ("21", "开除党籍"),
    ("22", "劝退除名"),
    ("23", "自行脱党除名"),
    ("24", "退党除名"),
    ("25", "取消预备党员资格"),
    ("30", "停止党籍"),
]
_LEAVE_ALIASES = {
    "去世": "10",
    "开除": "21",
    "劝而不退除名": "22",
    "劝退": "22",
    "除名": "22",
    "自行脱党": "23",
    "脱党": "23",
    "退党": "24",
    "取消预备资格": "25",
}
# 组织关系转出: set only by the member service when a 跨省/系统外 transfer completes (its paper
# 回执), never by a clerk's 减少; it is in the table so lists and histories can name it.
TRANSFERRED_OUT = "40"
LEAVE_KINDS = CodeTable("党员减少类型", [*_LEAVE_KINDS_BY_HAND, (TRANSFERRED_OUT, "组织关系转出")],
                        {**_LEAVE_ALIASES, "转出": TRANSFERRED_OUT})
# The kinds a clerk may record by 减少 (the form's choices and the leave RPC's).
CLERK_LEAVE_KINDS = CodeTable("党员减少类型", _LEAVE_KINDS_BY_HAND, _LEAVE_ALIASES)
# The group each kind is reported under: 死亡, 出党, 停止党籍 — or 转出, which the annual report
# counts from the transfer (转出 by kind), not as a 减少 of the member's own.
LEAVE_KIND_GROUPS = {code: {"1": "死亡", "2": "出党", "3": "停止党籍", "4": "转出"}[code[0]]
                     for code in LEAVE_KINDS.codes()}
# What a 找回 (a real return to the rolls, not the 回退 of a mistaken entry) counts as in the annual
# report's 增加党员, by the kind the member had left by: 恢复党籍 after 停止党籍 or an 出党 way (of
# which only 取消预备党员资格 can be found back by a clerk; an expulsion overturned on 复查 comes in
# through the 党籍变动历史表), 其他 after 死亡. A return after 组织关系转出 is a 转入, counted by the
# transfer, not here (None).
RETURN_INCREASES = {"停止党籍": "restore", "出党": "restore", "死亡": "other"}
RETURN_INCREASE_NAMES = {"restore": "恢复党籍", "other": "其他增加"}


def return_increase(kind: str | None) -> str | None:
    """"restore" (恢复党籍), "other" (其他增加) or None (counted as a 转入) for a 找回 from `kind`."""
    group = LEAVE_KIND_GROUPS.get(kind)
    if group == "转出":
        return None
    return RETURN_INCREASES.get(group, "other")


def return_kinds(increase: str) -> list[str]:
    """The leave kinds whose 找回 counts as `increase` ("restore" or "other")."""
    return sorted(kind for kind in LEAVE_KINDS.codes() if return_increase(kind) == increase)

# Occupation as the statistics bulletins group it (RULES.md §9); PMIS's own codes (the official
# numeric 岗位 codes are not confirmed). Work posts (工作岗位) are recorded in these categories.
OCCUPATIONS = CodeTable(
    "职业",
    [
        ("1", "工人（工勤技能人员）"),
        ("2", "农牧渔民"),
        ("3", "专业技术人员"),
        ("4", "管理人员"),
        ("5", "党政机关工作人员"),
        ("6", "学生"),
        ("7", "其他职业人员"),
        ("8", "离退休人员"),
    ],
    {"工人": "1", "工勤技能人员": "1", "农牧渔民": "2", "农民": "2", "企事业单位专业技术人员": "3",
     "企事业单位管理人员": "4", "党政机关": "5", "机关干部": "5", "其他": "7", "离退休": "8", "离退休人员": "8"},
)
STUDENT = "6"  # OCCUPATIONS: 学生 (the annual report flags student members aged 46 or over)

# 民主评议 grades (RULES.md §6 organisational life; the 民主评议 statistics table).
EVALUATION_GRADES = CodeTable(
    "民主评议结果",
    [("1", "优秀"), ("2", "合格"), ("3", "基本合格"), ("4", "不合格")],
)

# --- codes of the member card's info sets (PMIS's own codes; the official ones are not confirmed) ---
# 学位 (GB/T 6864 groups them the same way: 名誉博士, 博士, 硕士, 学士).
DEGREES = CodeTable("学位", [("1", "名誉博士"), ("2", "博士"), ("3", "硕士"), ("4", "学士")],
                    {"博士学位": "2", "硕士学位": "3", "学士学位": "4"})
STUDY_MODES = CodeTable("学习形式", [("1", "全日制"), ("2", "在职")], {"非全日制": "2"})
# 专业技术职务 levels.
TITLE_LEVELS = CodeTable("专业技术职务等级", [("1", "正高级"), ("2", "副高级"), ("3", "中级"), ("4", "初级")],
                         {"正高": "1", "副高": "2", "中级职称": "3", "初级职称": "4"})
REWARD_KINDS = CodeTable("奖惩类别", [("1", "奖励"), ("2", "惩处")], {"惩罚": "2", "处分": "2"})
# The level of the body that held a training (培训 info set) or granted a reward (奖惩情况), as the
# annual report's 表9 培训 and 表12 表彰 break them down (docs/REPORT_TABLES.md; PMIS's own codes).
BODY_LEVELS = CodeTable(
    "级别",
    [("1", "中央"), ("2", "省（区、市）"), ("3", "市（地、州、盟）"), ("4", "县（市、区、旗）"), ("5", "乡镇（街道）"),
     ("6", "基层党组织")],
    {"国家级": "1", "省级": "2", "省": "2", "市级": "3", "市": "3", "地级": "3", "县级": "4", "县": "4",
     "乡镇": "5", "乡镇级": "5", "街道": "5", "基层": "6"},
)
# 培训方式 of a member's training (PMIS's own codes).
TRAINING_MODES = CodeTable("培训方式", [("1", "集中培训"), ("2", "远程教育"), ("3", "网络培训"), ("9", "其他")],
                           {"脱产培训": "1", "集中轮训": "1", "现代远程教育": "2", "网络": "3", "在线学习": "3"})
# 其他党团信息: the League and the eight democratic parties a member may also have belonged to.
OTHER_PARTIES = CodeTable(
    "其他党团组织",
    [("01", "中国共产主义青年团"), ("02", "中国国民党革命委员会"), ("03", "中国民主同盟"), ("04", "中国民主建国会"),
     ("05", "中国民主促进会"), ("06", "中国农工民主党"), ("07", "中国致公党"), ("08", "九三学社"),
     ("09", "台湾民主自治同盟"), ("99", "其他")],
    {"共青团": "01", "民革": "02", "民盟": "03", "民建": "04", "民进": "05", "农工党": "06", "致公党": "07",
     "台盟": "09"},
)
HARDSHIP_KINDS = CodeTable("困难类型", [("1", "生活困难"), ("2", "患病"), ("3", "残疾"), ("4", "年老体弱"),
                                      ("9", "其他")], {"生活": "1", "疾病": "2"})

# --- organization card code tables (党组织卡片) ---------------------------------------------
# PMIS's own codes: the official 隶属关系, 单位性质类别, 建立党组织情况 and 行业 code lists of the
# national system are not confirmed (the manuals name the info sets, not their codes). The
# industry list follows the sections of GB/T 4754-2017 (门类 letters), whose names are confirmed.
ORG_AFFILIATIONS = CodeTable(
    "隶属关系",
    [
        ("1", "中央"),
        ("2", "省（自治区、直辖市）"),
        ("3", "市（地、州、盟）"),
        ("4", "县（市、区、旗）"),
        ("5", "乡（镇、街道）"),
        ("9", "其他"),
    ],
    {"省": "2", "市": "3", "县": "4", "区": "4", "乡": "5", "镇": "5", "街道": "5"},
)

UNIT_CATEGORIES = CodeTable(
    "单位性质类别",
    [
        ("10", "党政机关"),
        ("11", "乡（镇）"),  # 党政机关 that are a township or a street (表5, 表6 count them apart)
        ("12", "街道"),
        ("20", "事业单位"),
        ("31", "国有企业"),
        ("32", "集体企业"),
        ("33", "非公有制企业"),
        ("40", "社会组织"),
        ("51", "村"),
        ("52", "社区（居委会）"),
        ("90", "其他"),
    ],
    {"机关": "10", "国企": "31", "民营企业": "33", "非公企业": "33", "民办非企业单位": "40", "社区": "52",
     "乡": "11", "镇": "11", "乡镇": "11", "街道办事处": "12", "行政村": "51", "居委会": "52"},
)
# The unit kinds the annual report's 表5 (乡镇/村) and 表6 (街道/社区) count (services/stats).
TOWNSHIP, STREET, VILLAGE, COMMUNITY = "11", "12", "51", "52"

PARTY_SETUPS = CodeTable(
    "建立党组织情况",
    [
        ("1", "单独建立党组织"),
        ("2", "联合建立党组织"),
        ("3", "未建立党组织"),
    ],
    {"单独建立": "1", "联合建立": "2", "未建立": "3"},
)

INDUSTRIES = CodeTable(
    "行业",
    [
        ("A", "农、林、牧、渔业"), ("B", "采矿业"), ("C", "制造业"),
        ("D", "电力、热力、燃气及水生产和供应业"), ("E", "建筑业"), ("F", "批发和零售业"),
        ("G", "交通运输、仓储和邮政业"), ("H", "住宿和餐饮业"), ("I", "信息传输、软件和信息技术服务业"),
        ("J", "金融业"), ("K", "房地产业"), ("L", "租赁和商务服务业"), ("M", "科学研究和技术服务业"),
        ("N", "水利、环境和公共设施管理业"), ("O", "居民服务、修理和其他服务业"), ("P", "教育"),
        ("Q", "卫生和社会工作"), ("R", "文化、体育和娱乐业"), ("S", "公共管理、社会保障和社会组织"),
        ("T", "国际组织"),
    ],
)

# 组织奖惩: whether a record is a reward or a punishment (PMIS's own codes).
ORG_SANCTION_KINDS = REWARD_KINDS

# 换届选举 (services/org/domain/terms.py; counted by the stats service's 换届 tables). PMIS's own
# codes: the national code list is not confirmed.
TERM_METHODS = CodeTable("产生方式", [("1", "党员大会选举"), ("2", "代表大会选举"), ("3", "上级指派")],
                         {"党员大会": "1", "代表大会": "2", "指派": "3", "上级任命": "3"})
COMMITTEE_POSTS = CodeTable("班子职务", [
    ("01", "书记"), ("02", "副书记"), ("03", "组织委员"), ("04", "宣传委员"), ("05", "纪检委员"),
    ("06", "委员"), ("07", "青年委员"), ("08", "妇女委员"), ("09", "统战委员")],
    {"党支部书记": "01", "支部书记": "01", "党委书记": "01", "副": "02", "纪律检查委员": "05"})
COMMITTEE_HOWS = CodeTable("任职方式", [("1", "选举"), ("2", "补选"), ("3", "指派")],
                           {"选举产生": "1", "上级指派": "3", "任命": "3"})
