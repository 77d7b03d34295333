"""年报问答: answers about 政府信息公开工作年度报告 with exact figures and citations."""
