"""A deterministic corpus of realistic disclosures, built from the sample templates.

    disclosure bench generate --docs N --seed S --out DIR [--pdf-share F]

Every document is one unit's (or department's) budget or final-account disclosure for one
year, laid out like the samples in data/: 第一部分 概况, the standard tables (functional
classification tree, economic classification, “三公”, 机关运行经费, 项目支出), 第三部分's
template sentences, one 绩效目标表 per project (budgets) or a 项目单位自评汇总表 (final
accounts), 第四部分 名词解释. Amounts add up: every subtotal is the sum of its rows, the
sentences state the table figures.

Both text formats of the samples are written (tab-separated rows and markdown pipe tables),
and the samples' damage is applied at fixed rates: tables split across pages, stray spaces
in numbers ("14. 58"), truncated form funds ("1,184,70"), labels broken across cells
("市县（区）财政资 金"), form values drifting one column right. A share of documents can be
rendered as PDFs (reportlab, via tests/pdf_factory.py).

The same seed gives byte-identical files: every document draws from its own
`random.Random(f"{seed}:{index}")`, nothing depends on time, hash order or the machine.
`manifest.jsonl` holds what each document states (unit, year, kind, project items, forms,
self-evaluations, key metrics, the damage applied) so parse accuracy can be checked at scale.
"""
from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# ---------------------------------------------------------------- vocabulary

# Real places: (province, city, county or None). Cities stand for 市级 units, counties and
# districts for 县(区)级 ones.
PLACES: list[tuple[str, str, str | None]] = [
    ("山西省", "太原市", "小店区"), ("山西省", "大同市", "云冈区"), ("山西省", "晋城市", None),
    ("山西省", "长治市", "上党区"), ("山西省", "晋中市", "平遥县"),
    ("河南省", "三门峡市", None), ("河南省", "洛阳市", "西工区"), ("河南省", "郑州市", "金水区"),
    ("河南省", "开封市", None), ("河南省", "洛阳市", "新安县"),
    ("河北省", "石家庄市", "长安区"), ("河北省", "保定市", None), ("河北省", "邯郸市", "丛台区"),
    ("河北省", "唐山市", "路南区"), ("河北省", "石家庄市", "正定县"),
    ("山东省", "济南市", "历下区"), ("山东省", "青岛市", None), ("山东省", "潍坊市", "奎文区"),
    ("山东省", "临沂市", "兰山区"), ("山东省", "淄博市", None),
    ("江苏省", "南京市", "玄武区"), ("江苏省", "苏州市", None), ("江苏省", "徐州市", "鼓楼区"),
    ("江苏省", "扬州市", "江都区"), ("江苏省", "无锡市", None),
    ("浙江省", "杭州市", "西湖区"), ("浙江省", "宁波市", None), ("浙江省", "温州市", "鹿城区"),
    ("浙江省", "绍兴市", "越城区"), ("浙江省", "湖州市", "安吉县"),
    ("湖北省", "武汉市", "江岸区"), ("湖北省", "宜昌市", None), ("湖北省", "襄阳市", "樊城区"),
    ("湖北省", "荆州市", "沙市区"), ("湖北省", "宜昌市", "秭归县"),
    ("湖南省", "长沙市", "岳麓区"), ("湖南省", "株洲市", None), ("湖南省", "衡阳市", "雁峰区"),
    ("湖南省", "岳阳市", None), ("湖南省", "常德市", "武陵区"),
    ("四川省", "成都市", "武侯区"), ("四川省", "绵阳市", None), ("四川省", "南充市", "顺庆区"),
    ("四川省", "宜宾市", "翠屏区"), ("四川省", "德阳市", None),
    ("陕西省", "西安市", "雁塔区"), ("陕西省", "宝鸡市", None), ("陕西省", "咸阳市", "秦都区"),
    ("陕西省", "渭南市", "临渭区"), ("陕西省", "延安市", None),
]


@dataclass(frozen=True)
class UnitType:
    name: str                       # 财政局
    function: tuple[str, str, str, str]  # class code, class name, item code, item name
    subunits: tuple[str, ...]       # subordinate units of a department
    projects: tuple[str, ...]       # type-specific project names
    duties: tuple[str, ...]


UNIT_TYPES: list[UnitType] = [
    UnitType("人民政府办公室", ("201", "一般公共服务支出", "20103", "政府办公厅（室）及相关机构事务"),
             ("政务服务中心", "政务公开协调服务中心"),
             ("12345政府服务热线", "OA协同办公系统运维费", "政务公开专项经费", "督查督办专项业务费",
              "互联网专线和视频会议室专线租赁费", "密码设备采购", "政府公报印刷费"),
             ("负责政府各类会议的组织实施工作", "协助政府领导同志起草或审核各类公文",
              "督促检查各部门对政府决定事项的执行落实情况", "负责政府值班工作，及时报告重要情况")),
    UnitType("财政局", ("201", "一般公共服务支出", "20106", "财政事务"),
             ("预算评审中心", "财政发展和保障中心"),
             ("绩效考评经费", "财政业务工作经费", "国库支付银行手续费", "会计考试经费",
              "专项债券绩效评价经费", "行政事业单位资产评估及处置经费", "预算一体化系统运维费"),
             ("编制年度预决算草案并组织执行", "管理各项财政收入和财政专户",
              "拟定和执行政府采购政策", "管理和指导会计工作")),
    UnitType("教育局", ("205", "教育支出", "20501", "教育管理事务"),
             ("教育事业发展中心", "教师发展中心"),
             ("学生资助经费", "教师培训经费", "校舍维修改造资金", "中小学课后服务补助",
              "教育信息化建设经费", "学前教育普惠补助资金", "校园安全保障经费"),
             ("贯彻执行国家教育方针政策", "统筹管理各级各类教育", "负责教师队伍建设",
              "负责学生资助和校园安全工作")),
    UnitType("民政局", ("208", "社会保障和就业支出", "20802", "民政管理事务"),
             ("社会福利院", "救助管理站"),
             ("城乡低保资金", "特困人员供养经费", "养老服务补贴", "殡葬改革补助资金",
              "社区治理专项经费", "残疾人两项补贴", "临时救助资金"),
             ("拟订社会救助政策并组织实施", "负责养老服务体系建设", "指导城乡社区治理",
              "负责婚姻登记和殡葬管理")),
    UnitType("卫生健康委员会", ("210", "卫生健康支出", "21001", "卫生健康管理事务"),
             ("疾病预防控制中心", "卫生健康综合监督执法队"),
             ("基本公共卫生服务经费", "疫苗接种补助", "计划生育家庭奖励扶助资金", "爱国卫生运动经费",
              "卫生应急物资储备经费", "家庭医生签约服务补助", "医疗卫生机构能力建设资金"),
             ("组织拟订卫生健康政策", "负责疾病预防控制工作", "负责基层卫生健康服务体系建设",
              "负责卫生应急工作")),
    UnitType("农业农村局", ("213", "农林水支出", "21301", "农业农村"),
             ("农业技术推广中心", "农业综合行政执法队"),
             ("高标准农田建设资金", "耕地地力保护补贴", "农机购置补贴", "动物防疫经费",
              "农村人居环境整治经费", "农产品质量安全监管经费", "乡村振兴衔接资金"),
             ("统筹研究和组织实施三农工作", "负责种植业和畜牧业管理", "负责农田建设",
              "负责农产品质量安全监管")),
    UnitType("交通运输局", ("214", "交通运输支出", "21401", "公路水路运输"),
             ("公路管理段", "交通运输综合行政执法队"),
             ("农村公路养护经费", "公路安全生命防护工程", "城乡客运补贴", "交通运输执法经费",
              "桥梁定期检测经费", "治超站运行经费", "客运站改造工程"),
             ("负责公路水路行业管理", "负责农村公路建设和养护", "负责城乡客运管理",
              "负责交通运输综合执法")),
    UnitType("自然资源局", ("220", "自然资源海洋气象等支出", "22001", "自然资源事务"),
             ("不动产登记中心", "土地储备中心"),
             ("国土空间规划编制经费", "不动产登记系统运维费", "地质灾害防治经费", "耕地保护督察经费",
              "卫片执法检查经费", "测绘成果管理经费", "林长制工作经费"),
             ("履行全民所有自然资源资产所有者职责", "负责国土空间规划", "负责不动产统一登记",
              "负责耕地保护和地质灾害防治")),
    UnitType("审计局", ("201", "一般公共服务支出", "20108", "审计事务"),
             ("审计信息中心", "政府投资审计中心"),
             ("审计业务经费", "政府投资项目审计经费", "审计信息化建设经费", "聘请中介机构经费",
              "经济责任审计经费", "审计培训经费", "审计档案数字化经费"),
             ("主管审计工作", "对预算执行情况和决算进行审计监督", "负责政府投资项目审计",
              "负责经济责任审计")),
    UnitType("司法局", ("204", "公共安全支出", "20406", "司法"),
             ("公证处", "法律援助中心"),
             ("法律援助经费", "人民调解工作经费", "社区矫正经费", "普法宣传经费",
              "法律顾问服务费", "行政复议工作经费", "公共法律服务平台运维费"),
             ("负责法治宣传教育", "负责人民调解和社区矫正工作", "负责法律援助和公共法律服务",
              "负责行政复议和应诉工作")),
]

COMMON_PROJECTS = ("办公设备购置费", "信息网络运维费", "业务培训费", "办公楼零星维修",
                   "档案整理工作经费", "购买保安保洁服务", "专项业务工作经费", "软件升级及运维费",
                   "会议费", "网络租金费用")

PERSONNEL_ITEMS = ("基本工资", "津贴补贴", "奖金", "绩效工资", "机关事业单位基本养老保险缴费",
                   "职工基本医疗保险缴费", "住房公积金", "其他工资福利支出")
PUBLIC_ITEMS = ("办公费", "印刷费", "水费", "电费", "邮电费", "差旅费", "培训费", "会议费",
                "公务接待费", "公务用车运行维护费", "工会经费", "福利费", "其他交通费用",
                "其他商品和服务支出")

# (二级指标, 三级指标 template, value template); {n} is filled per project.
OUTPUT_INDICATORS = [
    ("数量指标", "购置设备数量", "≥{n}台"), ("数量指标", "开展培训次数", "≥{n}次"),
    ("数量指标", "覆盖服务对象人数", "≥{n}人"), ("数量指标", "维修面积", "≤{n}平米"),
    ("数量指标", "检查单位数", "{n}个"), ("数量指标", "印刷期数", "{n}期"),
    ("质量指标", "验收合格率", "100%"), ("质量指标", "资金发放准确率", "≥98%"),
    ("质量指标", "系统正常运行率", "≥99%"), ("时效指标", "项目完成时间", "{m}月底前"),
    ("时效指标", "资金支付及时性", "及时"), ("成本指标", "项目实施成本", "≤{w}万元"),
]
EFFECT_INDICATORS = [
    ("社会效益指标", "保障工作正常运转", "保障"), ("社会效益指标", "提升服务水平", "提升"),
    ("经济效益指标", "节约运行成本", "有效节约"), ("可持续影响指标", "长效机制建立", "建立"),
]
SATISFACTION = [("服务对象满意度指标", "服务对象满意度", "≥90%"), ("服务对象满意度指标", "群众满意度", "≥95%"),
                ("服务对象满意度指标", "职工满意度", "≥90%")]

# Prose the forms and sections draw from (the samples' wording, place-neutral).
SENTENCES = (
    "根据实际工作需要，为保障机关正常的工作运转，需安排专项资金",
    "项目实施后将有效提升工作效率和服务质量",
    "严格按照政府采购制度组织开展采购工作，对质量严格把关",
    "由财务根据采购合同完成资金的支付",
    "对办公设施安全隐患进行排除，改善办公环境",
    "加强普法宣传教育，推进各项制度落实",
    "购买保安服务、保洁服务，确保机关正常、有序、安全、高效运转",
    "开展专项检查工作，加强和规范专项资金管理",
    "按照年初工作计划完成各项业务工作，确保资金使用规范",
    "推进信息化建设，保障系统安全稳定运行",
    "组织开展业务培训，提高干部职工业务能力",
    "及时足额发放补助资金，确保政策落实到位",
)

CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"]

COMMON_FUNCTIONS = [  # (class code, class name, item code, item name, leaf code, leaf name)
    ("208", "社会保障和就业支出", "20805", "行政事业单位养老支出", "2080505", "机关事业单位基本养老保险缴费支出"),
    ("208", "社会保障和就业支出", "20805", "行政事业单位养老支出", "2080501", "行政单位离退休"),
    ("210", "卫生健康支出", "21011", "行政事业单位医疗", "2101101", "行政单位医疗"),
    ("221", "住房保障支出", "22102", "住房改革支出", "2210201", "住房公积金"),
]

# Damage rates (per candidate): close to what the samples show.
DAMAGE_RATES = {
    "page_split": 0.35,          # a long table continues on the next page without its header
    "stray_space": 0.04,         # an amount cell of a project table reads "14. 58"
    "truncated_funds": 0.04,     # a form's 实施期资金总额 is cut short ("1,184,70")
    "broken_label": 0.25,        # a form label or table header broken across cells
    "drift": 0.15,               # a form's 年度资金总额 value one column right
}


# ---------------------------------------------------------------- amounts

def wan(c: int, sep: bool) -> str:
    """Hundredths of 万元 as the tables print them: 1,592.14 / 1592.14; 0 → ''."""
    if c == 0:
        return ""
    integer, frac = divmod(c, 100)
    whole = f"{integer:,}" if sep else str(integer)
    return f"{whole}.{frac:02d}"


def wan_plain(c: int) -> str:
    integer, frac = divmod(c, 100)
    return f"{integer:,}.{frac:02d}"


def yuan_text(c: int) -> str:
    """Form funds in 元 with thousands separators."""
    return f"{c * 100:,}"


def split(rng: random.Random, total: int, parts: int, minimum: int = 1) -> list[int]:
    """`total` as `parts` positive integers summing to it."""
    if parts <= 1:
        return [total]
    weights = [rng.uniform(0.3, 1.0) for _ in range(parts)]
    scale = (total - minimum * parts) / sum(weights)
    values = [minimum + int(w * scale) for w in weights]
    values[0] += total - sum(values)
    return values


# ---------------------------------------------------------------- the document plan

@dataclass
class Project:
    name: str
    group: str | None
    amount: int            # hundredths of 万元
    carryover: bool = False
    executed: int = 0      # final accounts


@dataclass
class Plan:
    index: int
    unit: str
    unit_type: UnitType
    province: str
    city: str
    county: str | None
    year: int
    kind: str              # budget | final_account
    scope: str             # unit | department
    fmt: str               # tab | markdown
    sep: bool              # thousands separators in tables
    projects: list[Project] = field(default_factory=list)
    subunits: list[str] = field(default_factory=list)
    damage: dict[str, int] = field(default_factory=dict)


def plan_document(seed: int, index: int) -> Plan:
    rng = random.Random(f"{seed}:{index}")
    province, city, county = PLACES[rng.randrange(len(PLACES))]
    unit_type = UNIT_TYPES[rng.randrange(len(UNIT_TYPES))]
    place = f"{city}{county or ''}"
    unit = f"{place}{unit_type.name}"
    plan = Plan(index=index, unit=unit, unit_type=unit_type, province=province, city=city, county=county,
                year=rng.randint(2021, 2025), kind="budget" if rng.random() < 0.65 else "final_account",
                scope="department" if rng.random() < 0.4 else "unit",
                fmt="tab" if rng.random() < 0.6 else "markdown", sep=rng.random() < 0.5)
    if plan.scope == "department":
        plan.subunits = [f"{place}{name}" for name in rng.sample(unit_type.subunits, rng.randint(1, 2))]
    names = rng.sample(unit_type.projects, rng.randint(2, 5)) + rng.sample(COMMON_PROJECTS, rng.randint(1, 5))
    rng.shuffle(names)
    groups = [unit] + plan.subunits if plan.scope == "department" else [None]
    for number, name in enumerate(names):
        group = groups[number % len(groups)]
        amount = rng.choice([rng.randint(50, 3000), rng.randint(1000, 30000), rng.randint(20000, 300000)])
        if rng.random() < 0.25:
            amount = max(100, amount // 100 * 100)  # round 万元
        executed = amount if rng.random() < 0.4 else int(amount * rng.uniform(0.1, 1.0))
        plan.projects.append(Project(name=name, group=group, amount=amount, executed=executed))
    if plan.kind == "budget" and rng.random() < 0.3:
        plan.projects.append(Project(name=f"{plan.year - 1}年{rng.choice(unit_type.projects)}结转资金",
                                     group=groups[0], amount=rng.randint(100, 5000), carryover=True))
    return plan


# ---------------------------------------------------------------- writing blocks

class Out:
    """Paragraphs and tables in one of the two text formats, with page splits."""

    def __init__(self, fmt: str, rng: random.Random, damage: dict[str, int]):
        self.fmt, self.rng, self.damage = fmt, rng, damage
        self.lines: list[str] = ["", ""]

    def para(self, text: str = "") -> None:
        self.lines.append(text)
        self.lines.append("")

    def table(self, header: list[list[str]], rows: list[list[str]], splittable: bool = True) -> None:
        width = max(len(r) for r in header + rows)
        header = [r + [""] * (width - len(r)) for r in header]
        rows = [r + [""] * (width - len(r)) for r in rows]
        parts = [header + rows]
        if splittable and len(rows) >= 6 and self.rng.random() < DAMAGE_RATES["page_split"]:
            cut = len(header) + self.rng.randint(2, len(rows) - 2)
            parts = [(header + rows)[:cut], (header + rows)[cut:]]
            self.damage["page_split"] = self.damage.get("page_split", 0) + 1
        for number, part in enumerate(parts):
            if self.fmt == "tab":
                self.lines.extend("\t".join(r) for r in part)
            else:
                first = part[0] if number == 0 else [""] * width
                body = part[1:] if number == 0 else part
                self.lines.append(_md_row(first))
                self.lines.append("|" + "|".join("------" for _ in range(width)) + "|")
                self.lines.extend(_md_row(r) for r in body)
            self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


# ---------------------------------------------------------------- rendering

def render(plan: Plan) -> tuple[str, dict[str, Any]]:
    """The document text and its manifest entry."""
    rng = random.Random(f"render:{plan.index}:{plan.unit}:{plan.year}")
    out = Out(plan.fmt, rng, plan.damage)
    y, sep = plan.year, plan.sep
    budget = plan.kind == "budget"
    label = "部门" if plan.scope == "department" else "单位"
    title_unit = f"{plan.unit}（部门）" if plan.scope == "department" else plan.unit
    kind_word = "预算" if budget else "决算"
    money = lambda c: wan(c, sep)  # noqa: E731

    # ---- figures
    projects_now = [p for p in plan.projects if not p.carryover]
    carry = [p for p in plan.projects if p.carryover]
    project_total = sum(p.amount for p in projects_now)
    carry_total = sum(p.amount for p in carry)
    personnel_items = {name: rng.randint(500, 30000) for name in PERSONNEL_ITEMS}
    personnel_items["退休费"] = rng.randint(200, 9000)
    personnel = sum(personnel_items.values())
    public_items = {name: rng.randint(20, 3000) for name in rng.sample(PUBLIC_ITEMS, rng.randint(6, len(PUBLIC_ITEMS)))}
    public_items["办公设备购置"] = rng.randint(0, 2000)
    public_funds = sum(public_items.values())
    basic = personnel + public_funds
    total_now = basic + project_total
    total = total_now + carry_total
    yoy = rng.randint(-total // 10, total // 8)
    abroad = 0 if rng.random() < 0.8 else rng.randint(100, 1500)
    reception = rng.randint(0, 800)
    purchase = 0 if rng.random() < 0.85 else rng.randint(1500, 3000)
    operation = 0 if rng.random() < 0.3 else rng.randint(300, 2500)
    three_total = abroad + reception + purchase + operation
    agency = public_funds
    goods, works, services = rng.randint(0, 20000), rng.randint(0, 10000), rng.randint(0, 15000)
    vehicles = rng.randint(0, 8)

    # functional classification: leaves (code, name, basic, project, carry)
    ft = plan.unit_type.function
    main_class, main_item = (ft[0], ft[1]), (ft[2], ft[3])
    pension, retire, medical, housing = (rng.randint(200, max(201, basic // 8)) for _ in range(4))
    run_basic = basic - pension - retire - medical - housing
    leaves = [
        (ft[2] + "01", "行政运行", run_basic, 0, 0),
        (ft[2] + "02", "一般行政管理事务", 0, project_total, carry_total),
    ]
    names = {main_class[0]: main_class[1], main_item[0]: main_item[1]}
    for (cc, cn, ic, iname, lc, ln), value in zip(COMMON_FUNCTIONS, (pension, retire, medical, housing)):
        names.setdefault(cc, cn)
        names.setdefault(ic, iname)
        leaves.append((lc, ln, value, 0, 0))
    leaves.sort(key=lambda leaf: leaf[0])
    tree: list[tuple[str, str, int, int, int]] = []
    for code in sorted({leaf[0][:3] for leaf in leaves} | {leaf[0][:5] for leaf in leaves}
                       | {leaf[0] for leaf in leaves}):
        if len(code) == 7:
            leaf = next(l for l in leaves if l[0] == code)
            tree.append(leaf)
        else:
            members = [l for l in leaves if l[0].startswith(code)]
            tree.append((code, names[code], sum(l[2] for l in members), sum(l[3] for l in members),
                         sum(l[4] for l in members)))
    classes = [t for t in tree if len(t[0]) == 3]

    # ---- title and 第一部分
    out.para(title_unit)
    out.para(f"{y}年度{label}{kind_word}公开" if budget else f"{plan.unit}{y}年度{label}决算")
    out.para("第一部分 概况")
    out.para(f"一、本{label}职责")
    for number, duty in enumerate(plan.unit_type.duties):
        out.para(f"（{CN_NUM[number]}）{duty}，" + _prose(rng, 1, 3))
    out.para(f"（{CN_NUM[len(plan.unit_type.duties)]}）完成上级交办的其他任务。")
    out.para("二、机构设置情况")
    if plan.subunits:
        out.para(f"纳入{plan.unit}部门{kind_word}的单位包括：{plan.unit}本级、" + "、".join(plan.subunits) + "。")
    else:
        out.para(f"{plan.unit}内设办公室、综合股、业务股、财务股等{rng.randint(3, 9)}个股室。")

    out.para(f"第二部分 {y}年{label}{kind_word}报表")
    name_line = f"{label}名称：{title_unit}" if budget else f"单位：{plan.unit}"
    if budget:
        _budget_tables(out, plan, tree, classes, money, total, total_now, carry_total, basic, project_total,
                       personnel, public_funds, personnel_items, public_items, name_line,
                       (abroad, reception, purchase, operation, three_total), agency)
    else:
        _final_tables(out, plan, tree, money, total, basic, project_total, name_line,
                      (abroad, reception, purchase, operation, three_total), rng)

    # ---- 第三部分
    change = "增加" if yoy >= 0 else "减少"
    rate = abs(yoy) / max(total - yoy, 1) * 100
    out.para(f"第三部分 {y}年度{label}{kind_word}情况说明")
    if budget:
        out.para(f"一、{label}预算收支数据变动情况及原因")
        out.para(f"{y}年度{plan.unit}预算收入总计{wan_plain(total)}万元，其中：本年收入{wan_plain(total_now)}万元，"
                 f"上年结转{wan_plain(carry_total)}万元，比上年{change}{wan_plain(abs(yoy))}万元，{change}{rate:.2f}%，"
                 f"主要原因是人员工资调整和专项业务变化。")
        out.para("二、收入预算情况说明")
        out.para(f"{y}年度{plan.unit}预算收入{wan_plain(total)}万元，主要包括一般公共预算拨款收入{wan_plain(total_now)}万元。")
        out.para("三、支出预算情况说明")
        out.para(f"{y}年度{plan.unit}支出预算{wan_plain(total)}万元，其中：基本支出{wan_plain(basic)}万元，"
                 f"占{basic / total * 100:.2f}%；项目支出{wan_plain(project_total + carry_total)}万元，"
                 f"占{(project_total + carry_total) / total * 100:.2f}%。")
        out.para("六、一般公共预算基本支出情况说明")
        out.para(f"{y}年度{plan.unit}一般公共预算安排基本支出{wan_plain(basic)}万元，其中：")
        out.para(f"人员经费{wan_plain(personnel)}万元，主要包括：" + "、".join(personnel_items) + "等；")
        out.para(f"公用经费{wan_plain(public_funds)}万元，主要包括：" + "、".join(public_items) + "等。")
        out.para("七、“三公”经费增减变动原因说明")
        out.para(f"{y}年{plan.unit}财政拨款安排的“三公”经费预算{wan_plain(three_total)}万元。其中：因公出国（境）费"
                 f"{wan_plain(abroad)}万元；公务接待费{wan_plain(reception)}万元；公务用车运行维护费{wan_plain(operation)}万元；"
                 f"公务用车购置费{wan_plain(purchase)}万元。")
        out.para("八、机关运行经费增减变动原因说明")
        out.para(f"本{label}{y}年机关运行经费财政拨款预算{wan_plain(agency)}万元。")
        out.para("九、政府采购情况")
        out.para(f"{y}年{plan.unit}政府采购预算总额{wan_plain(goods + works + services)}万元。其中：政府采购货物预算"
                 f"{wan_plain(goods)}万元、政府采购工程预算{wan_plain(works)}万元、政府采购服务预算{wan_plain(services)}万元。")
        out.para("十、绩效管理情况")
        out.para(f"{y}年{plan.unit}纳入绩效目标管理的项目{len(projects_now)}个，共计金额{wan_plain(project_total)}万元。")
        out.para("十一、国有资产占有使用情况")
        out.para(f"截至{y - 1}年12月31日，{plan.unit}共有车辆{vehicles}辆。")
    else:
        out.para("一、收入支出决算总体情况说明")
        out.para(f"{y}年度收、支总计均为{wan_plain(total)}万元。与上年度相比，收、支总计各{change}{wan_plain(abs(yoy))}万元，"
                 f"{'增长' if yoy >= 0 else '下降'}{rate:.2f}%。")
        out.para("三、支出决算情况说明")
        out.para(f"{y}年度支出合计{wan_plain(total)}万元，其中：基本支出{wan_plain(basic)}万元，占{basic / total * 100:.2f}%；"
                 f"项目支出{wan_plain(project_total)}万元，占{project_total / total * 100:.2f}%。")
        out.para("七、财政拨款“三公”经费支出决算情况说明")
        out.para(f"{y}年度“三公”经费财政拨款支出决算为{wan_plain(three_total)}万元。")
        out.para("十、绩效自评结果")
        out.para(f"我单位对{y}年度{len(projects_now)}个项目进行了绩效自评。项目自评情况见附件。")

    # ---- forms or self-evaluations
    forms: list[dict[str, Any]] = []
    if budget:
        for number, project in enumerate(projects_now):
            forms.append(_form(out, plan, project, number, rng))
    else:
        _self_evaluation_table(out, plan, projects_now, rng)

    out.para("第四部分 名词解释")
    out.para("一、财政拨款收入：指本级财政当年拨付的资金。")
    out.para("二、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员经费和公用经费。")
    out.para("三、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。")
    out.para("四、“三公”经费：指用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。")

    metrics = {"income_total": total, "expenditure_total": total, "basic_expenditure": basic,
               "project_expenditure": project_total + (carry_total if budget else 0),
               "three_public_total": three_total, "three_public_reception": reception}
    if budget:
        metrics.update(personnel=personnel, public_funds=public_funds, agency_operation=agency,
                       procurement_total=goods + works + services)
    manifest = {
        "index": plan.index, "unit": plan.unit, "year": plan.year, "kind": plan.kind, "scope": plan.scope,
        "province": plan.province, "city": plan.city, "county": plan.county, "format": plan.fmt,
        "projects": [{"name": p.name, "group": p.group, "amount_yuan": p.amount * 100,
                      "table_kind": "project_carryover" if p.carryover else "project_expenditure"}
                     for p in plan.projects] if budget else [],
        "self_evaluations": [{"project": p.name, "budget_yuan": p.amount * 100, "executed_yuan": p.executed * 100}
                             for p in projects_now] if not budget else [],
        "economic_items": {**{k: v * 100 for k, v in personnel_items.items()},
                           **{k: v * 100 for k, v in public_items.items()}} if budget else {},
        "forms": forms,
        "metrics": {k: v * 100 for k, v in metrics.items()},
        "damage": dict(sorted(plan.damage.items())),
    }
    return out.text(), manifest


def _budget_tables(out: Out, plan: Plan, tree, classes, money, total, total_now, carry_total, basic,
                   project_total, personnel, public_funds, personnel_items, public_items, name_line,
                   three, agency) -> None:
    y = plan.year
    unit_line = "单位：万元"
    # 预算收支总表
    out.para("预算公开表1")
    out.para(f"{y}年预算收支总表")
    out.para(name_line)
    out.para(unit_line)
    rows = [["一、一般公共预算", money(total_now), f"一、{classes[0][1]}", money(sum(classes[0][2:])),
             money(classes[0][2] + classes[0][3]), money(classes[0][4])]]
    for number, cls in enumerate(classes[1:], start=1):
        rows.append(["", "", f"{CN_NUM[number]}、{cls[1]}", money(sum(cls[2:])), money(cls[2] + cls[3]), money(cls[4])])
    rows += [["本年收入合计", money(total_now), "本年支出合计", money(total), money(total_now), money(carry_total)],
             ["上年结转", money(carry_total), "年终结转", "", "", ""],
             ["收入总计", money(total), "支出总计", money(total), money(total_now), money(carry_total)]]
    out.table([["收入", "", "支出", "", "", ""],
               ["项目", f"{y}年", "项目", f"{y}年合计", "当年预算安排", "上年结转安排"]], rows)
    # 预算支出总表
    out.para("预算公开表3")
    out.para(f"{y}年预算支出总表")
    out.para(name_line)
    out.para(unit_line)
    rows = [["", "合计", money(total), money(basic), money(project_total + carry_total)]]
    rows += [[code, name, money(b + p + c), money(b), money(p + c)] for code, name, b, p, c in tree]
    out.table([["项目", "", f"{y}年预算数", "", ""], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]], rows)
    # 一般公共预算支出预算表
    out.para(f"{y}年一般公共预算支出预算表（不含上年结转）")
    out.para(name_line)
    out.para(unit_line)
    rows = [["", "合计", money(total_now), money(basic), money(project_total)]]
    rows += [[code, name, money(b + p), money(b), money(p)] for code, name, b, p, c in tree if b + p]
    out.table([["项目", "", f"{y}年预算数", "", ""], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]], rows)
    # 基本支出分经济科目表
    out.para("预算公开表6")
    out.para(f"{y}年一般公共预算安排基本支出分经济科目表（不含上年结转）")
    out.para(name_line)
    out.para(unit_line)
    wages = {k: v for k, v in personnel_items.items() if k != "退休费"}
    goods_services = {k: v for k, v in public_items.items() if k != "办公设备购置"}
    rows = [["合计", "", money(basic), money(personnel), money(public_funds)],
            ["工资福利支出", "", money(sum(wages.values())), money(sum(wages.values())), ""]]
    rows += [[k, "工资福利支出", money(v), money(v), ""] for k, v in wages.items()]
    rows += [["商品和服务支出", "", money(sum(goods_services.values())), "", money(sum(goods_services.values()))]]
    rows += [[k, "商品和服务支出", money(v), "", money(v)] for k, v in goods_services.items()]
    rows += [["对个人和家庭的补助", "", money(personnel_items["退休费"]), money(personnel_items["退休费"]), ""],
             ["退休费", "离退休费", money(personnel_items["退休费"]), money(personnel_items["退休费"]), ""]]
    if public_items["办公设备购置"]:
        rows += [["资本性支出", "", money(public_items["办公设备购置"]), "", money(public_items["办公设备购置"])],
                 ["办公设备购置", "资本性支出", money(public_items["办公设备购置"]), "", money(public_items["办公设备购置"])]]
    out.table([["部门预算支出经济科目名称", "政府预算支出经济科目名称", f"{y}年预算数", "", ""],
               ["", "", "合计", "人员经费", "公用经费"]], rows)
    # 政府性基金: empty
    out.para(f"{y}年政府性基金预算支出表（不含上年结转）")
    out.para(name_line)
    out.para(unit_line)
    out.table([["科目编码", "科目名称", "合计", "基本支出", "项目支出"], ["", "合计", "", "", ""]], [], splittable=False)
    out.para("注：本表无数据")
    # 三公
    abroad, reception, purchase, operation, three_total = three
    out.para("预算公开表10")
    out.para(f"{y}年财政拨款安排“三公”经费支出预算表")
    out.para(name_line)
    out.para(unit_line)
    out.table([["项目", f"{y}年预算数", "", "", ""], ["", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]],
              [["因公出国（境）费", money(abroad), money(abroad), "", ""],
               ["公务接待费", money(reception), money(reception), "", ""],
               ["公务用车购置及运行费", money(purchase + operation), money(purchase + operation), "", ""],
               ["①公务用车购置费", money(purchase), money(purchase), "", ""],
               ["②公务用车运行维护费", money(operation), money(operation), "", ""],
               ["合计", money(three_total), money(three_total), "", ""]], splittable=False)
    # 机关运行经费
    out.para(f"{y}年财政拨款安排机关运行经费预算表")
    out.para(name_line)
    out.para(unit_line)
    out.table([["单位名称", f"{y}预算数", "", "", ""], ["", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]],
              [["部门合计", money(agency), money(agency), "", ""], [plan.unit, money(agency), money(agency), "", ""]],
              splittable=False)
    # 项目支出（本年预算）/（上年结转）
    for carry, title in ((False, "本年预算"), (True, "上年结转")):
        items = [p for p in plan.projects if p.carryover == carry]
        out.para(f"{y}年项目支出预算表（{title}）")
        out.para(name_line)
        out.para(unit_line)
        broken = plan.fmt == "markdown" and out.rng.random() < DAMAGE_RATES["broken_label"]
        if broken:
            plan.damage["broken_label"] = plan.damage.get("broken_label", 0) + 1
        header = [["项目名称", "合计", f"{y}年财政拨款", "", "", "财政专户管理 资金" if broken else "财政专户管理资金", "单位资金"],
                  ["", "", "一般公共预算", "政府性 基金预 算" if broken else "政府性基金预算", "国有资本经营预算", "", ""],
                  ["1", "2", "3", "4", "5", "6", "7"]]
        if not items:
            out.table(header, [], splittable=False)
            out.para("注：本表无数据")
            continue
        rows = []
        amount_cell = lambda c: _stray(out, plan, money(c))  # noqa: E731
        if plan.scope == "department":
            rows.append([plan.unit, money(sum(p.amount for p in items)), money(sum(p.amount for p in items)), "", "", "", ""])
            for group in [plan.unit] + plan.subunits:
                members = [p for p in items if p.group == group]
                if not members:
                    continue
                subtotal = sum(p.amount for p in members)
                rows.append([group, money(subtotal), money(subtotal), "", "", "", ""])
                rows += [[p.name, amount_cell(p.amount), amount_cell(p.amount), "", "", "", ""] for p in members]
        else:
            rows += [[p.name, amount_cell(p.amount), amount_cell(p.amount), "", "", "", ""] for p in items]
        out.table(header, rows)


def _stray(out: Out, plan: Plan, text: str) -> str:
    if "." in text and out.rng.random() < DAMAGE_RATES["stray_space"]:
        plan.damage["stray_space"] = plan.damage.get("stray_space", 0) + 1
        return text.replace(".", ". ", 1)
    return text


def _final_tables(out: Out, plan: Plan, tree, money, total, basic, project_total, name_line, three, rng) -> None:
    y = plan.year
    # 收入支出决算总表 is reduced to its totals; 支出决算表 carries the tree.
    out.para("收入决算表")
    out.para(name_line)
    out.para(f"{y} 年度")
    out.para("公开 02 表")
    out.para("金额单位：万元")
    rows = [["合计", "", money(total), money(total)]]
    rows += [[code, name, money(b + p), money(b + p)] for code, name, b, p, c in tree]
    out.table([["项目", "", "本年收入合计", "财政拨款收入"], ["科目代码", "科目名称", "", ""], ["栏次", "", "1", "2"]], rows)
    out.para("注：本表反映单位本年度取得的各项收入情况。")
    out.para("支出决算表")
    out.para(name_line)
    out.para(f"{y} 年度")
    out.para("公开 03 表")
    out.para("金额单位：万元")
    rows = [["合计", "", money(total), money(basic), money(project_total)]]
    rows += [[code, name, money(b + p), money(b), money(p)] for code, name, b, p, c in tree]
    out.table([["项目", "", "本年支出合计", "基本支出", "项目支出"], ["科目代码", "科目名称", "", "", ""],
               ["栏次", "", "1", "2", "3"]], rows)
    out.para("注：本表反映单位本年度各项支出情况。")
    abroad, reception, purchase, operation, three_total = three
    budget_three = [int(v * rng.uniform(1.0, 1.4)) for v in (abroad, reception, purchase, operation)]
    bt = sum(budget_three)
    out.para("财政拨款“三公”经费支出决算表")
    out.para("公开 09 表")
    out.para(name_line)
    out.para(f"{y} 年度")
    out.para("金额单位：万元")
    out.table([["预算数", "", "", "", "", "", "决算数", "", "", "", "", ""],
               ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费",
                "合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费"],
               ["", "", "小计", "公务用车购置费", "公务用车运行维护费", "", "", "", "小计", "公务用车购置费", "公务用车运行维护费", ""],
               [str(i) for i in range(1, 13)]],
              [[money(bt), money(budget_three[0]), money(budget_three[2] + budget_three[3]), money(budget_three[2]),
                money(budget_three[3]), money(budget_three[1]),
                money(three_total), money(abroad), money(purchase + operation), money(purchase), money(operation),
                money(reception)]], splittable=False)
    out.para("注：本表反映单位本年度财政拨款“三公”经费支出预决算情况。")


def _self_evaluation_table(out: Out, plan: Plan, projects: list[Project], rng: random.Random) -> None:
    out.para("项目单位自评汇总表")
    header = [["单位编码", "单位名称", "项目名称", "项目类型", "全年预算数", "全年执行数", "预算执行率", "自评得分"]]
    rows = []
    for number, p in enumerate(projects):
        rate = p.executed / p.amount * 100 if p.amount else 0
        rows.append([f"{100 + plan.index % 900}{number + 1:03d}", plan.unit, p.name, "可执行项目",
                     wan_plain(p.amount).replace(",", ""), wan_plain(p.executed).replace(",", ""),
                     f"{rate:.2f}%", f"{rng.uniform(80, 100):.2f}"])
    out.table(header, rows)


def _prose(rng: random.Random, low: int, high: int) -> str:
    return "；".join(rng.sample(SENTENCES, rng.randint(low, high))) + "。"


def _form(out: Out, plan: Plan, project: Project, number: int, rng: random.Random) -> dict[str, Any]:
    level = "县(区)级" if plan.county else "市级"
    place = plan.county or plan.city
    out.para(f"{place}{level}预算部门（单位）项目支出绩效目标申报表")
    out.para(f"({plan.year}年度)")
    long_term = rng.random() < 0.6
    years = 1 if not long_term else rng.choice([3, 4, 5, 99])
    annual = project.amount
    total = annual if years in (1, 99) else annual * years
    truncated = rng.random() < DAMAGE_RATES["truncated_funds"]
    drift = rng.random() < DAMAGE_RATES["drift"]
    broken = rng.random() < DAMAGE_RATES["broken_label"]
    for flag, key in ((truncated, "truncated_funds"), (drift, "drift"), (broken, "broken_label")):
        if flag:
            plan.damage[key] = plan.damage.get(key, 0) + 1
    total_text = yuan_text(total)
    if truncated:
        total_text = total_text[:-1]  # "1,184,700" → "1,184,70", as the samples show
    local = "市县（区）财政资 金" if broken else "市县（区）财政资金"
    implementer = project.group or plan.unit
    gap = [""] if drift else []
    attribute = "经常性项目（长期开展）" if long_term else "一次性项目（1年结束）"
    period = f"{years}年"
    rows = [
        ["项目名称", "", project.name, "", "", "", ""],
        ["主管部门及代码", "", f"{plan.index % 900 + 100:03d}-{plan.unit}", "", "实施单位", implementer, ""],
        ["项目属性", "", attribute, "", "项目期", period, ""],
        ["项目资金 (元)", "实施期资金总额：", total_text, "年度资金总额：", *gap, yuan_text(annual), ""],
        ["", "其中：中央财政资金", "0", "其中：中央财政资金", *gap, "0", ""],
        ["", "省级财政资金", "0", "省级财政资金", *gap, "0", ""],
        ["", local, total_text, local, *gap, yuan_text(annual), ""],
        ["", "单位自筹", "0", "单位自筹", *gap, "0", ""],
        ["", "其他资金", "", "其他资金", "", "", ""],
        ["项目概况", "", f"{project.name}主要用于保障{plan.unit}{rng.choice(plan.unit_type.duties)}。"
                        + _prose(rng, 3, 7) + f"{plan.year}年申请预算{wan_plain(annual)}万元。", "", "", "", ""],
        ["立项依据", "", f"根据{plan.city}财政局关于编制{plan.year}年部门预算的通知立项。", "", "", "", ""],
        ["项目设立必要性", "", f"保障{plan.unit}各项工作正常开展，提高工作效率。" + _prose(rng, 1, 4),
         "", "", "", ""],
        ["保证项目实施的制度、措施", "", "严格执行单位内部财务管理制度和政府采购制度。", "", "", "", ""],
        ["项目实施计划", "", f"{plan.year}年{rng.randint(1, 6)}月启动，{rng.randint(7, 12)}月底前完成。", "", "", "", ""],
        ["实施期目标", "", "", "", "年度目标", "", ""],
        ["总体目标", f"完成{project.name}相关工作，保障单位正常运转。" + _prose(rng, 1, 3), "", "",
         f"完成{project.name}年度工作任务。" + _prose(rng, 1, 3), "", ""],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"],
    ]
    indicators = []
    outputs = rng.sample(OUTPUT_INDICATORS, rng.randint(3, 6))
    outputs.sort(key=lambda o: ["数量指标", "质量指标", "时效指标", "成本指标"].index(o[0]))
    chosen = [("产出指标", *o) for o in outputs] + [("效益指标", *rng.choice(EFFECT_INDICATORS))] \
        + [("满意度指标", *rng.choice(SATISFACTION))]
    previous = (None, None)
    for level1, level2, level3, value in chosen:
        value = value.format(n=rng.randint(2, 500), m=rng.randint(3, 12), w=wan_plain(annual).replace(",", ""))
        l1 = level1 if level1 != previous[0] else ""
        l2 = level2 if (level1, level2) != previous else ""
        rows.append(["", l1, l2, level3, value, l2, level3, value])
        previous = (level1, level2)
        indicators.append({"level1": level1, "level2": level2, "level3": level3, "value": value})
    rows.append(["", "", "经办人：", "", "联系电话：", "", "填报日期：", f"{plan.year - 1}12{rng.randint(10, 28)}"])
    out.table(rows[:1], rows[1:])
    return {"project": project.name, "implementer": implementer, "attribute": attribute, "period": period,
            "total_funds_yuan": None if truncated else total * 100, "annual_funds_yuan": annual * 100,
            "indicators": indicators}


# ---------------------------------------------------------------- the corpus

def generate(docs: int, seed: int, out: str | Path, pdf_share: float = 0.0) -> dict[str, Any]:
    """Write `docs` documents and manifest.jsonl to `out`; return a summary."""
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    total_bytes, pdfs = 0, 0
    pdf_every = round(1 / pdf_share) if pdf_share > 0 else 0
    with open(target / "manifest.jsonl", "w", encoding="utf-8", newline="\n") as manifest:
        for index in range(docs):
            plan = plan_document(seed, index)
            text, entry = render(plan)
            stem = f"d{index:06d}-{plan.year}-{'budget' if plan.kind == 'budget' else 'final'}"
            data = text.encode("utf-8")
            if pdf_every and index % pdf_every == pdf_every - 1:
                path = target / f"{stem}.pdf"
                _render_pdf(text, path)
                entry["format"] = "pdf"
                pdfs += 1
            else:
                path = target / f"{stem}.txt"
                path.write_bytes(data)
            total_bytes += path.stat().st_size
            entry["file"] = path.name
            manifest.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    return {"docs": docs, "pdfs": pdfs, "bytes": total_bytes, "out": str(target)}


def _render_pdf(text: str, path: Path) -> None:
    """A PDF drawn from the text extraction (tests/pdf_factory.py); its creation date is
    pinned so the same seed gives the same bytes."""
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from reportlab import rl_config

    rl_config.invariant = 1  # fixed dates and ids in the PDF
    from tests.pdf_factory import render_text_extraction_as_pdf

    scratch = path.with_suffix(".pdf.txt")
    scratch.write_text(text, encoding="utf-8")
    try:
        render_text_extraction_as_pdf(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)


def read_manifest(folder: str | Path) -> list[dict[str, Any]]:
    with open(Path(folder) / "manifest.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
