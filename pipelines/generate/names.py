"""Synthetic names: enterprises, carriers, patent holders.

The names only have to look like Chinese registered names (字号 + 行业 + 组织形式), with
the usual variations a matcher must survive: a province or city prefix, a bracketed
location `（常州）` in full-width brackets. They are combinations of common characters,
not copies of real firms.
"""

from __future__ import annotations

import numpy as np

_BRAND_CHARS = (
    "恒 瑞 华 晨 鼎 泰 信 达 宏 远 博 创 精 诚 汇 通 天 正 新 源 盛 嘉 科 联 美 凯 "
    "德 迈 腾 锐 银 星 光 合 众 龙 腾 海 峰 安 捷 启 明 昊 卓 越 旭 东 方 润 普 中 融 佳 "
    "欣 优 立 尚 英 亿 豪 康 拓 澳 智 航 翔 奥 麦 沃 乾 坤 宸 昱 邦 尔 森 元 力 泽 辉"
).split()

MANUFACTURING_TRADES = (
    "精密机械", "新材料", "电子科技", "智能装备", "传动设备", "电气", "新能源科技", "汽车零部件",
    "医疗器械", "生物医药", "化工", "光电科技", "电缆", "模具", "轨道交通设备", "纺织",
    "半导体", "储能科技", "机电", "环保设备", "铸造", "电机", "仪器仪表", "包装材料",
)
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
    manufacturing: np.ndarray,
    city_short: str,
    province_short: str,
    taken: set[str] | None = None,
) -> list[str]:
    """n distinct names; `taken` (if given) holds names already used elsewhere and grows."""
    used = taken if taken is not None else set()
    out: list[str] = []
    n_brand = len(_BRAND_CHARS)
    for i in range(n):
        trades = MANUFACTURING_TRADES if manufacturing[i] else SERVICE_TRADES
        for attempt in range(50):
            a, b = rng.integers(0, n_brand, 2)
            if a == b:
                continue
            brand = _BRAND_CHARS[a] + _BRAND_CHARS[b]
            if attempt > 5:  # crowded units need a third character
                brand += _BRAND_CHARS[int(rng.integers(0, n_brand))]
            trade = trades[int(rng.integers(0, len(trades)))]
            form = _FORMS[int(rng.integers(0, len(_FORMS)))]
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
        for a, b, c, t in zip(s, g1, g2, two)
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
