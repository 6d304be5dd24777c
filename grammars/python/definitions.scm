;; Definitions: @definition.function / .method / .class on the whole
;; class_definition / function_definition node (decorators are outside it),
;; @name, @body, and @doc for the docstring (optional: the first statement of
;; the body when it is a lone string).

;; Classes
(class_definition
  name: (identifier) @name
  body: (block
    .
    (comment)*
    .
    (expression_statement
      .
      (string) @doc
      .)?) @body) @definition.class

;; Methods: functions directly in a class body, decorated or not
(class_definition
  body: (block
    [
      (function_definition
        name: (identifier) @name
        body: (block
          .
          (comment)*
          .
          (expression_statement
            .
            (string) @doc
            .)?) @body) @definition.method
      (decorated_definition
        definition: (function_definition
          name: (identifier) @name
          body: (block
            .
            (comment)*
            .
            (expression_statement
              .
              (string) @doc
              .)?) @body) @definition.method)
    ]))

;; Functions at module level
(module
  [
    (function_definition
      name: (identifier) @name
      body: (block
        .
        (comment)*
        .
        (expression_statement
          .
          (string) @doc
          .)?) @body) @definition.function
    (decorated_definition
      definition: (function_definition
        name: (identifier) @name
        body: (block
          .
          (comment)*
          .
          (expression_statement
            .
            (string) @doc
            .)?) @body) @definition.function)
  ])

;; Functions in any other block: nested in a function, or in the body of a
;; compound statement (if, for, while, with, try, except, ...). A block's owner
;; whose text starts with `class` is a class body, handled above.
((_
  (block
    [
      (function_definition
        name: (identifier) @name
        body: (block
          .
          (comment)*
          .
          (expression_statement
            .
            (string) @doc
            .)?) @body) @definition.function
      (decorated_definition
        definition: (function_definition
          name: (identifier) @name
          body: (block
            .
            (comment)*
            .
            (expression_statement
              .
              (string) @doc
              .)?) @body) @definition.function)
    ])) @_owner
  (#not-match? @_owner "^class\\b"))
