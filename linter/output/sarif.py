def render(findings, *, color=False, files=0): raise NotImplementedError
