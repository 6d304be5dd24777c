; Cyclomatic complexity decision points (McCabe, as luacheck / lizard count
; them): one @branch per if, elseif, for (numeric or generic), while, repeat,
; and `and` / `or` operator. `else` is not counted.

;; Conditionals
(if_statement) @branch

(elseif_statement) @branch

;; Loops
(for_statement) @branch

(while_statement) @branch

(repeat_statement) @branch

;; Short-circuit operators
(binary_expression
  operator: [
    "and"
    "or"
  ]) @branch
