; Cyclomatic complexity decision points, mirroring radon 6.0.1
; (radon/visitors.py, ComplexityVisitor with its default no_assert=False).
; A block's complexity is 1 + the number of distinct @branch nodes inside it;
; radon leaves the bodies of nested functions and classes out of a function's
; count. One @branch (+1) for each:
;   if statement, elif clause, conditional expression (`a if c else b`)
;   for / async for statement, while statement
;   `else` clause of a for, while or try statement
;   except clause (radon ignores `except*`: a TryStar node adds nothing, not
;     even for its `else`)
;   boolean_operator node: `a and b and c` is two nested nodes, radon's
;     len(values) - 1 == 2
;   comprehension `for` clause and each comprehension `if` clause
;   assert statement (radon counts it unless run with --no-assert); radon does
;     not look inside an assert, so its operands are captured @nobranch: the
;     @branch nodes inside a @nobranch node do not count
;   case clause, except the irrefutable one: a bare `_` or capture name
;     without a guard (radon subtracts one when any case is a bare `_` or
;     capture name; guarded ones still count here, a small divergence)
; Not counted (as radon): with, lambda, try, finally, if-statement else,
; match guards, `not`, decorators.
; Checked against radon: no difference on the ~22,000 functions of the
; CPython 3.11 standard library, and tests/fixtures/queries/radon/cases.py.

;; Conditionals
(if_statement) @branch

(elif_clause) @branch

(conditional_expression) @branch

;; Loops, and the else clause of loops and try statements
(for_statement) @branch

(while_statement) @branch

(for_statement
  alternative: (else_clause) @branch)

(while_statement
  alternative: (else_clause) @branch)

((try_statement
  (except_clause) @_handler
  (else_clause) @branch)
  (#not-match? @_handler "^except\\s*\\*"))

;; Exception handlers
((except_clause) @branch
  (#not-match? @branch "^except\\s*\\*"))

;; Boolean operators
(boolean_operator) @branch

;; Comprehensions
(for_in_clause) @branch

[
  (list_comprehension
    (if_clause) @branch)
  (set_comprehension
    (if_clause) @branch)
  (dictionary_comprehension
    (if_clause) @branch)
  (generator_expression
    (if_clause) @branch)
]

;; Assertions (whose operands radon never visits)
(assert_statement) @branch

(assert_statement
  (_) @nobranch)

;; Match statements: a case clause whose first pattern is refutable ...
((case_clause
  .
  (case_pattern) @_pattern) @branch
  (#not-match? @_pattern "^(?!(None|True|False)$)[^\\W\\d]\\w*$"))

;; ... or is a capture name followed by more patterns (`case x, y:`) ...
((case_clause
  .
  (case_pattern) @_pattern
  .
  (case_pattern)) @branch
  (#match? @_pattern "^(?!(None|True|False)$)[^\\W\\d]\\w*$"))

;; ... or is a bare `_` or capture name with a guard
((case_clause
  .
  (case_pattern) @_pattern
  .
  guard: (if_clause)) @branch
  (#match? @_pattern "^(?!(None|True|False)$)[^\\W\\d]\\w*$"))
