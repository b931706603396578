"""Synthetic names: enterprises, carriers, patent holders.

The names only have to look like Chinese registered names (字号 + 行业 + 组织形式), with
the usual variations a matcher must survive: a province or city prefix, a bracketed
location `（常州）` in full-width brackets. They are combinations of common characters,
not copies of real firms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_BRAND_CHARS = (
    "恒 瑞 华 晨 鼎 泰 信 达 宏 远 博 创 精 诚 汇 通 天 正 新 源 盛 嘉 科 联 美 凯 "
    "德 迈 腾 锐 银 星 光 合 众 龙 腾 海 峰 安 捷 启 明 昊 卓 越 旭 东 方 润 普 中 融 佳 "
    "欣 优 立 尚 英 亿 豪 康 拓 澳 智 航 翔 奥 麦 沃 乾 坤 宸 昱 邦 尔 森 元 力 泽 辉"
).split()

# Trade words by GB/T 4754 class, so that a name says what the firm's roster row says.
INDUSTRY_TRADES = {
    "2710": "制药", "2720": "药业", "2740": "中药", "2761": "生物制药", "2770": "医用材料",
    "3581": "医疗器械", "3586": "康复器械", "3911": "计算机", "3912": "电脑配件", "3921": "通信设备",
    "3922": "通讯科技", "3971": "电子器件", "3973": "集成电路", "3976": "光电科技", "3981": "电子元件",
    "3982": "电路科技", "3985": "电子材料", "4011": "自动化", "4014": "分析仪器", "4028": "测量仪器",
    "1713": "印染", "2221": "纸业", "2614": "化工", "2641": "涂料", "2651": "树脂", "2929": "塑料制品",
    "3021": "建材", "3130": "钢材", "3311": "钢结构", "3392": "铸造", "3421": "机床", "3441": "泵业",
    "3443": "阀门", "3444": "液压", "3451": "轴承", "3453": "传动设备", "3484": "精密机械",
    "3511": "矿山机械", "3551": "纺织机械", "3670": "汽车零部件", "3811": "发电设备", "3812": "电机",
    "3821": "变压器", "3823": "电气", "3825": "光伏科技", "3831": "电缆", "3841": "新能源科技",
    "3871": "照明", "3073": "特种陶瓷", "2672": "烟花", "1512": "酒业", "1351": "食品", "1741": "丝绸",
    "1391": "淀粉",
}
SERVICE_TRADES = (
    "信息技术", "软件", "网络科技", "检测技术", "数据科技", "环境工程", "医药科技", "智能科技",
    "工程技术", "技术服务", "电子商务", "文化科技",
)
_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "科技有限公司")

_SURNAMES = "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹".split()
_GIVEN = "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 华 鹏 辉 斌 宇 浩 凯 健 俊 帆 琳".split()


def enterprise_names(
    rng: np.random.Generator,
    n: int,
    industry: np.ndarray,
    city_short: str,
    province_short: str,
    taken: set[str] | None = None,
) -> list[str]:
    """n distinct names; `taken` (if given) holds names already used elsewhere and grows."""
    used = taken if taken is not None else set()
    out: list[str] = []
    n_brand = len(_BRAND_CHARS)
    for i in range(n):
        code = str(industry[i])
        for attempt in range(50):
            a, b = rng.integers(0, n_brand, 2)
            if a == b:
                continue
            brand = _BRAND_CHARS[a] + _BRAND_CHARS[b]
            if attempt > 5:  # crowded units need a third character
                brand += _BRAND_CHARS[int(rng.integers(0, n_brand))]
            trade = INDUSTRY_TRADES.get(code) or SERVICE_TRADES[int(rng.integers(0, len(SERVICE_TRADES)))]
            form = _FORMS[int(rng.integers(0, len(_FORMS)))]
            if trade.endswith("科技") and form.startswith("科技"):
                form = form[2:]
            style = rng.random()
            if style < 0.55:
                name = f"{city_short}{brand}{trade}{form}"
            elif style < 0.75:
                name = f"{city_short}市{brand}{trade}{form}"
            elif style < 0.90:
                name = f"{province_short}{brand}{trade}{form}"
            else:
                # Branches and relocated firms put the location in full-width brackets.
                name = f"{brand}{trade}（{city_short}）{form}"
            if name not in used:
                used.add(name)
                out.append(name)
                break
        else:
            name = f"{city_short}{brand}{trade}{i}{form}"
            used.add(name)
            out.append(name)
    return out


def person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    s = rng.integers(0, len(_SURNAMES), n)
    g1 = rng.integers(0, len(_GIVEN), n)
    g2 = rng.integers(0, len(_GIVEN), n)
    two = rng.random(n) < 0.6
    names = [
        _SURNAMES[a] + _GIVEN[b] + (_GIVEN[c] if t else "")
        for a, b, c, t in zip(s, g1, g2, two, strict=True)
    ]
    return np.array(names, dtype=object)


def institution_names(city_short: str, province_short: str) -> list[str]:
    """Universities and institutes that hold patents without a USCC in the patent lists."""
    return [
        f"{city_short}理工学院",
        f"{city_short}职业技术学院",
        f"{province_short}工业大学{city_short}校区",
        f"{city_short}市农业科学研究院",
    ]


_CARRIER_WORDS = ("创客", "双创", "智造", "众创", "青年", "科创", "启航", "创新", "未来", "星火", "数字", "云谷")
CARRIER_SUFFIX = {"众创空间": "众创空间", "科技企业孵化器": "科技企业孵化器", "加速器": "企业加速器"}


def carrier_name(
    rng: np.random.Generator, place: str, carrier_type: str, used: set[str]
) -> str:
    for _ in range(100):
        word = _CARRIER_WORDS[int(rng.integers(0, len(_CARRIER_WORDS)))]
        brand = _BRAND_CHARS[int(rng.integers(0, len(_BRAND_CHARS)))]
        if rng.random() < 0.15:
            name = f"{brand}{word}（{place}）{CARRIER_SUFFIX[carrier_type]}"
        else:
            name = f"{place}{brand}{word}{CARRIER_SUFFIX[carrier_type]}"
        if name not in used:
            used.add(name)
            return name
    name = f"{place}{len(used)}号{CARRIER_SUFFIX[carrier_type]}"
    used.add(name)
    return name


def _pick(rng: np.random.Generator, options: tuple[str, ...] | list[str], n: int) -> np.ndarray:
    return np.array(options, dtype=str)[rng.integers(0, len(options), n)]


def firm_names(rng: np.random.Generator, places: np.ndarray) -> np.ndarray:
    """One made-up company name per place (vectorised: contracts need millions of buyers).
    Not checked for uniqueness: a buyer's name is no identity."""
    n = len(places)
    brand = np.char.add(_pick(rng, _BRAND_CHARS, n), _pick(rng, _BRAND_CHARS, n))
    trades = tuple(SERVICE_TRADES) + tuple(INDUSTRY_TRADES.values())
    out = np.char.add(np.char.add(np.asarray(places, dtype=str), brand), _pick(rng, trades, n))
    return np.char.add(out, _pick(rng, ("有限公司", "有限公司", "股份有限公司"), n)).astype(object)


PLATFORM_DOMAINS = (
    "智能装备", "新材料", "高端装备", "新能源", "生物医药", "集成电路", "先进制造", "绿色化工", "智能电网",
    "节能环保", "精密制造", "工业互联网", "储能材料", "碳材料", "光伏", "轨道交通", "医疗器械", "现代农业",
    "特种陶瓷", "电子信息", "汽车零部件", "机器人", "数字技术", "功能膜", "检测认证", "食品安全",
)


def strip_form(names: np.ndarray) -> np.ndarray:
    """A registered name without its 组织形式: 常州恒瑞电气有限公司 -> 常州恒瑞电气."""
    s = pd.Series(names, dtype=object).str.replace(r"(股份有限公司|有限公司)$", "", regex=True)
    return s.to_numpy(dtype=object)
