"""The membership pages: the register, a member, applications, due diligence, checklists and reports."""
