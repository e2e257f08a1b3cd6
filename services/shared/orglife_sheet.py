"""The 组织生活采集表 (数据迁移, docs/MIGRATION.md): meetings held before PMIS (三会一课, 主题党日 …),
one meeting a row, attendees by name on the organization's roster; shared by the gateway's template
and reader and the org service that judges and writes the rows.

The official export's meeting columns are not in the stored manuals (MANUALS.md §5 lists a record's
header: name, time, place, host, attendees, 列席 …): the columns are PMIS's 组织生活记录's fields."""
from .member_sheet import Column

MEETING_SHEET = "组织生活采集表"
MEETING_IMPORT_COLUMNS = (
    Column("org_code", "党组织代码", True, "召开会议的党组织的代码，须在本账号管理范围内"),
    Column("kind", "组织生活类型", True, "支部党员大会、支部委员会、党小组会、党课、主题党日等，见“代码表”"),
    Column("held_at", "会议时间", True, "格式 YYYY-MM-DD HH:MM（文本），如 2024-03-05 15:00"),
    Column("place", "地点", True, "不超过100个字"),
    Column("host", "主持人", True, "姓名"),
    Column("recorder", "记录人", True, "姓名"),
    Column("topic", "主题", True, "不超过200个字"),
    Column("speaker", "授课人", False, "党课必填"),
    Column("lecture_title", "党课题目", False, "党课必填"),
    Column("attendees", "出席党员", True, "本组织党员的姓名，用“、”分隔；须为会议当日本组织名册中的党员"),
    Column("absentees", "缺席党员", False, "姓名和原因，如 李四（病假）、王五（外出），用“、”分隔"),
    Column("nonvoting", "列席人员", False, "姓名，用“、”分隔"),
    Column("content", "内容", False, "会议内容"),
    Column("decisions", "决议事项", False, "会议的决议"),
)
# The example row the template's 填写说明 shows, in the columns' order.
MEETING_EXAMPLE = ("0010203", "支部党员大会", "2024-03-05 15:00", "党员活动室", "张三", "李四", "学习贯彻全会精神",
                   "", "", "张三、李四、赵六", "王五（外出）", "", "传达学习", "")

# The 组织生活附件清单: the files of meetings already in PMIS (imported by the 组织生活采集表 or keyed in),
# one file a row, the meeting named as the 组织生活采集表 names it; the files themselves are chosen in the
# browser and sent by the attachments' own upload (docs/MIGRATION.md, "组织生活附件").
MEETING_FILE_SHEET = "组织生活附件清单"
MEETING_FILE_COLUMNS = (
    Column("org_code", "党组织代码", True, "召开会议的党组织的代码，须在本账号管理范围内"),
    Column("kind", "组织生活类型", True, "支部党员大会、支部委员会、党小组会、党课、主题党日等，见“代码表”"),
    Column("held_at", "会议时间", True, "格式 YYYY-MM-DD HH:MM（文本），与组织生活采集表或系统中的记录一致"),
    Column("filename", "文件名", True, "附件的文件名（含扩展名），上传时在电脑上选择同名的文件；"
                                      "支持 JPG、PNG、GIF、BMP、MP4、MOV、PDF、Word、Excel、PowerPoint"),
)
MEETING_FILE_EXAMPLE = ("0010203", "支部党员大会", "2024-03-05 15:00", "会议照片1.jpg")
# What an attachment may be, by the file name's extension (the media service checks the content).
ATTACHMENT_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "gif", "bmp", "mp4", "mov", "pdf", "doc", "docx", "xls",
                                   "xlsx", "ppt", "pptx"})
