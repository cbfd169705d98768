talon 2
agent "x" { mode intercept }
