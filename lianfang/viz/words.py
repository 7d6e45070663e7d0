"""The map's words in Chinese and English. A map is laid out once, with what it says
kept in both languages (`Said`); the page then speaks one, so Chinese mode shows no
English and English mode no Chinese beyond the registers' own text."""

from __future__ import annotations

from typing import Final, NamedTuple

LANGS: Final = ("zh", "en")


class Said(NamedTuple):
    """One thing the map says, in both languages."""

    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


# The page's own words: its controls, panels and messages (the script reads them too).
PAGE: Final[dict[str, Said]] = {
    "nodes": Said("节点", "Nodes"),
    "find": Said("查找节点", "Find a node"),
    "fit": Said("全图", "Fit"),
    "png": Said("导出图片", "PNG"),
    "force": Said("力导布局", "Force layout"),
    "layered": Said("分层布局", "Layered layout"),
    "filter": Said("筛选", "Filter"),
    "level": Said("风险等级", "Risk level"),
    "ungraded": Said("未定级", "ungraded"),
    "category": Said("风险类别", "Category"),
    "show": Said("显示", "Show"),
    "open_only": Said("只看未受控风险", "unmitigated only"),
    "people": Said("人员", "people"),
    "controls": Said("措施", "controls"),
    "rules": Said("制度", "rules"),
    "findings": Said("查出的问题", "Findings"),
    "details": Said("详情", "Details"),
    "legend": Said("图例", "Legend"),
    "hint": Said(
        "点击节点查看详情；双击节点，把它的关联节点加到图上",
        "Click a node for its details; double-click it to add its neighbours",
    ),
    "hint_offline": Said("点击节点查看详情", "Click a node for its details"),
    "all": Said("全部", "All"),
    "expand": Said("展开此组", "Expand this group"),
    "neighbours": Said("加入关联节点", "Add its neighbours"),
    "open_page": Said("打开节点页面", "Open its page"),
    "neighbourhood": Said("只看它的邻域图", "Its neighbourhood alone"),
    "appears": Said("所在问题", "Findings it appears in"),
    "failed": Said("无法展开：", "Could not expand: "),
    "undo": Said("撤销展开", "Undo expand"),
    "hide": Said("隐藏", "Hide"),
    "pin": Said("固定位置", "Pin"),
    "unpin": Said("取消固定", "Unpin"),
    "hidden": Said("已隐藏{n}个节点，全部显示", "{n} hidden: show them"),
    "added": Said("加入{n}个节点", "{n} nodes added"),
    "nothing_added": Said("没有新的关联节点", "No further neighbours"),
    "path": Said("路径查找", "Path finder"),
    "path_from": Said("起点", "From"),
    "path_to": Said("终点", "To"),
    "path_go": Said("查找路径", "Find paths"),
    "path_clear": Said("清除", "Clear"),
    "path_pick": Said("先从候选中选定起点和终点", "Choose both ends from the suggestions"),
    "routes": Said("找到{n}条路径", "{n} route(s) found"),
    "no_route": Said("两者之间没有路径", "No route between them"),
    "link": Said("复制本视图链接", "Copy a link to this view"),
    "copied": Said("已复制", "Copied"),
    "warning": Said("预警", "Warning"),
    "high_risks": Said("高风险", "high risks"),
}


def page_words(lang: str) -> dict[str, str]:
    return {key: said(lang) for key, said in PAGE.items()}
