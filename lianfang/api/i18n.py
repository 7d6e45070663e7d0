"""The page's words in Chinese (first) and English."""

from __future__ import annotations

from fastapi import Request

from lianfang.graph import model
from lianfang.queries.spec import library

LANGS = ("zh", "en")
WORDS: dict[str, tuple[str, str]] = {
    "app": ("廉防 · 廉政风险防控知识图谱", "lianfang · integrity-risk knowledge graph"),
    "home": ("首页", "Home"),
    "units": ("单位", "Units"),
    "search": ("搜索", "Search"),
    "upload": ("导入登记表", "Import registers"),
    "switch": ("English", "中文"),
    "risks": ("风险点", "risk points"),
    "high_risks": ("高风险", "high risks"),
    "controls": ("防控措施", "controls"),
    "rules": ("制度", "rules"),
    "processes": ("流程图", "flowcharts"),
    "unit_risks": ("个", ""),
    "unit_controls": ("条", ""),
    "unit_rules": ("项", ""),
    "unit_processes": ("个", ""),
    "catalogue": ("风险防控缺口查询", "Gap queries"),
    "query": ("查询", "Query"),
    "severity": ("严重程度", "Severity"),
    "findings": ("发现", "Findings"),
    "run": ("运行", "Run"),
    "undated": (
        "本查询不读取日期：无论统计截止日取何日，均按登记表现状作答。",
        "This query reads no dates: whatever as_of is, it answers from the registers "
        "as they stand.",
    ),
    "results": ("结果", "Results"),
    "map": ("关系图", "Map"),
    "download": ("下载", "Download"),
    "remedy": ("整改建议", "Suggested remedy"),
    "rule": ("依据", "Practice rule"),
    "no_rows": ("没有发现。", "Nothing found."),
    "search_placeholder": ("编号或名称,如 科长", "id or name"),
    "upload_hint": (
        "上传 .xlsx 登记表工作簿或 CSV 文件的 .zip 压缩包;也可直接上传单位公开的风险点一览表"
        "(.docx、.xlsx、.csv 或网页另存的 .html),先核对读取结果再确认导入",
        "An .xlsx register workbook or a .zip of CSV files; or your office's published "
        "table as it is (.docx, .xlsx, .csv or a saved .html page), checked before it is "
        "imported",
    ),
    "source": ("来源名称(可选)", "Source name (optional)"),
    "dry_run": ("只校验不写入", "Check only"),
    "errors": ("错误", "Errors"),
    "warnings": ("警告", "Warnings"),
    "imported": ("导入成功", "Imported"),
    "nothing_written": ("有错误,未写入任何数据。", "There are errors; nothing was written."),
    "open_map": ("打开权力风险图", "Open the power-risk map"),
    "properties": ("属性", "Properties"),
    "neighbours": ("关联", "Neighbours"),
    "no_hits": ("没有匹配的结果。", "No matches."),
    "file": ("文件", "File"),
    "sheet": ("工作表", "Sheet"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "value": ("值", "Value"),
    "problem": ("问题", "Problem"),
    "type": ("类型", "Type"),
    "count": ("数量", "Count"),
    "reports": ("报告", "Reports"),
    "annual_review": ("年度报告", "Annual review"),
    "disclosure": ("岗位廉政风险公示", "Public disclosure"),
    "compared_with": ("对比快照", "Compared with"),
    "change": ("变化", "Change"),
    "new": ("新增", "new"),
    "persisting": ("持续", "persisting"),
    "closed": ("已整改(上次有、本次无)", "Closed since the snapshot"),
    "local_mode": (
        "本地模式，无需登录：仅本机可访问。为多人使用请先创建管理员账户（lianfang user add）。",
        "Local mode, no login: this machine only. To share it, create an admin first "
        "(lianfang user add).",
    ),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "user_name": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "login_failed": ("用户名或密码错误。", "Wrong user name or password."),
    "login_locked": ("尝试次数过多,请稍后再试。", "Too many attempts; try again later."),
    "login_busy": ("登录的人较多,请稍后再试。", "Many logins at once; try again in a moment."),
    "audit_log": ("审计日志", "Audit log"),
    "api_title": ("接口说明(JSON API)", "The JSON API"),
    "api_note": (
        "每个接口都需登录(或 Authorization: Bearer 令牌);完整的 OpenAPI 文档:",
        "Every operation needs a login (or an Authorization: Bearer token); the whole "
        "OpenAPI document:",
    ),
    "api_operation": ("接口", "Operation"),
    "api_description": ("说明", "Description"),
    "api_parameters": ("参数", "Parameters"),
    "api_required": ("必填", "required"),
    "api_body": ("请求体", "body"),
    "viewer_no_upload": (
        "导入登记表需要分析员权限。",
        "Importing registers needs the analyst role.",
    ),
    "time": ("时间", "Time"),
    "user": ("用户", "User"),
    "client": ("客户端", "Client"),
    "action": ("操作", "Action"),
    "target": ("对象", "Target"),
    "outcome": ("结果", "Outcome"),
    "detail": ("详情", "Detail"),
    "since": ("起始日期", "Since"),
    "filter": ("筛选", "Filter"),
    "warning_levels": ("分级预警", "Warnings"),
    "ledger": ("整改台账", "Rectification ledger"),
    "level": ("等级", "Level"),
    "post": ("岗位", "Post"),
    "person": ("人员", "Person"),
    "posts_warned": ("红黄预警岗位", "Posts on red or yellow"),
    "disposition": ("处置方式", "Disposition"),
    "reasons": ("原因", "Reasons"),
    "notice": ("通知书", "Notice"),
    "status": ("状态", "Status"),
    "due_before": ("到期不晚于", "Due by"),
    "item": ("编号", "Item"),
    "finding": ("问题", "Finding"),
    "due": ("整改期限", "Due"),
    "state": ("核查", "Check"),
    "done": ("整改情况", "What was done"),
    "start": ("开始整改", "Start"),
    "rectify": ("整改完成", "Mark rectified"),
    "verify": ("核查销号", "Verify"),
    "reject": ("退回", "Reject"),
    "reason": ("理由", "Reason"),
    "open_item": ("登记整改事项", "Open an item"),
    "note": ("备注", "Note"),
    "score": ("考核得分", "Score"),
    "accepted": ("已接受", "accepted"),
    "simulate": ("模拟任职", "Simulate"),
    "appoint": ("任职", "Appoint"),
    "end_holding": ("免职", "End a holding"),
    "grant": ("赋予职权", "Grant a power"),
    "revoke": ("取消职权", "Revoke a power"),
    "whatif_note": ("仅为模拟,登记数据未改变。", "A simulation: the registers are unchanged."),
    "whatif_none": ("不会新增或消除任何问题。", "No finding would appear or close."),
    "closed_short": ("消除", "closed"),
    "finding_id": ("问题编号", "Finding"),
    "as_of": ("统计截止日", "As of"),
    "type_a_name": ("输入名称或编号", "Type a name or an id"),
    "scores": ("考核得分", "Scores"),
    "overdue_items": ("整改逾期", "Overdue rectifications"),
    "accept_finding": ("暂缓处理（风险接受）", "Accept a finding"),
    "accept_short": ("暂缓", "Accept"),
    "approver": ("批准人", "Approver"),
    "expires": ("到期日", "Expires"),
    "grade": ("等次", "Grade"),
    "deducted": ("扣分合计", "Deducted"),
    "deductions": ("扣分明细", "Deductions"),
    "scores_note": (
        "百分制：100分减去扣分。优秀≥90，良好≥80，合格≥60，不合格<60。单位对其下属单位的问题负责；"
        "已接受（暂缓处理）的问题不扣分。",
        "100 points less deductions: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 < 60. A unit "
        "answers for its sub-units; accepted findings cost nothing.",
    ),
    "risk_card": ("岗位廉政风险防控卡", "Post risk card"),
    "public_card": ("公示卡", "Public card"),
    "exposure": ("高风险职权暴露面", "Exposure of high-risk powers"),
    "path_to": ("此人如何接触某项职权", "How this person reaches a power"),
    "path_from": ("某人如何接触此职权", "How a person reaches this power"),
    "power": ("职权", "Power"),
    "show_paths": ("显示路径", "Show the paths"),
    "more_changes": ("更多变动（免职、赋予或取消职权）", "More changes (end, grant, revoke)"),
    "by_query_and_key": ("或按查询编号和问题键", "Or by query id and key"),
    "ledger_empty": (
        "台账中暂无整改事项。在查询结果中找到问题编号,在下方登记。",
        "No items yet. Take a finding's id from a query's results and open one below.",
    ),
    "post_id": ("岗位编号", "Post id"),
    "person_id": ("人员编号", "Person id"),
    "published_checked": (
        "已读取单位公开的风险点表,尚未导入",
        "Read as a published table; not imported yet",
    ),
    "published_note": (
        "请核对下表:表中的每一列读作什么。确认无误后点“确认导入”;表中没有写明的(风险类别、"
        "等级、任职人员等)不会被补造,导入后可在登记表中补全。",
        "Check how each printed column was read below, then confirm. What the table does "
        "not say (categories, levels, who holds which post) is not made up; complete it "
        "in the registers later.",
    ),
    "read_as_title": ("表中的列 → 读作", "Printed column → read as"),
    "table": ("表", "Table"),
    "printed_column": ("表中的列", "Printed column"),
    "read_as": ("读作", "Read as"),
    "confirm_import": ("确认导入", "Confirm the import"),
    "records_stated": ("表中载明的记录", "Records the table states"),
    "cancel": ("取消", "Cancel"),
    "unit_name": ("单位名称(表格标题未写明时填写)", "Unit (if the table's title does not name it)"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "high": ("高", "high"),
    "medium": ("中", "medium"),
    "low": ("低", "low"),
}


def language(request: Request) -> str:
    """?lang= first, then the cookie; Chinese by default."""
    chosen = request.query_params.get("lang") or request.cookies.get("lang") or "zh"
    return chosen if chosen in LANGS else "zh"


def translator(lang: str):
    index = LANGS.index(lang)

    def t(key: str) -> str:
        if key in WORDS:
            return WORDS[key][index]
        if key.startswith("label_"):  # a node label, named as the schema names it
            label = key.removeprefix("label_")
            try:
                return model.node(label).zh if lang == "zh" else label
            except (KeyError, model.SchemaError):
                return label
        return key

    return t


def query_titles(lang: str) -> dict[str, str]:
    """Each query's title in the language, for pages that name a query a record keeps."""
    return {q.id: q.title_zh if lang == "zh" else q.title_en for q in library().values()}
