;; Definitions: @definition.function / .class on the whole node, with @name
;; and @body. A `/** ... */` block or a run of `//` lines right before a
;; definition is captured as @doc by the "Documented" patterns, in extra
;; matches of the same definition nodes. The function's name is found through
;; up to two pointer declarators (`char **f(void)`).

;; Functions
(function_definition
  declarator: [
    (function_declarator
      declarator: (identifier) @name)
    (pointer_declarator
      declarator: (function_declarator
        declarator: (identifier) @name))
    (pointer_declarator
      declarator: (pointer_declarator
        declarator: (function_declarator
          declarator: (identifier) @name)))
  ]
  body: (compound_statement) @body) @definition.function

;; Documented functions
((comment) @doc
  .
  (function_definition
    declarator: [
      (function_declarator
        declarator: (identifier) @name)
      (pointer_declarator
        declarator: (function_declarator
          declarator: (identifier) @name))
      (pointer_declarator
        declarator: (pointer_declarator
          declarator: (function_declarator
            declarator: (identifier) @name)))
    ]
    body: (compound_statement) @body) @definition.function
  (#match? @doc "^/\\*\\*"))

((comment)+ @doc
  .
  (function_definition
    declarator: [
      (function_declarator
        declarator: (identifier) @name)
      (pointer_declarator
        declarator: (function_declarator
          declarator: (identifier) @name))
      (pointer_declarator
        declarator: (pointer_declarator
          declarator: (function_declarator
            declarator: (identifier) @name)))
    ]
    body: (compound_statement) @body) @definition.function
  (#match? @doc "^//"))

;; --- Shared with C++ -------------------------------------------------------
;; grammars/cpp/generate.py copies everything below this line into
;; grammars/cpp/definitions.scm: it must compile for tree-sitter-cpp too. Run
;; `python3 grammars/cpp/generate.py` after changing it.

;; Structs, unions and enums (named, or anonymous in a typedef)
(struct_specifier
  name: (_) @name
  body: (field_declaration_list) @body) @definition.class

(union_specifier
  name: (_) @name
  body: (field_declaration_list) @body) @definition.class

(enum_specifier
  name: (_) @name
  body: (enumerator_list) @body) @definition.class

(type_definition
  type: (struct_specifier
    !name
    body: (field_declaration_list) @body)
  declarator: (type_identifier) @name) @definition.class

(type_definition
  type: (union_specifier
    !name
    body: (field_declaration_list) @body)
  declarator: (type_identifier) @name) @definition.class

(type_definition
  type: (enum_specifier
    !name
    body: (enumerator_list) @body)
  declarator: (type_identifier) @name) @definition.class

;; Documented structs, unions and enums
((comment) @doc
  .
  [
    (struct_specifier
      name: (_) @name
      body: (field_declaration_list) @body) @definition.class
    (union_specifier
      name: (_) @name
      body: (field_declaration_list) @body) @definition.class
    (enum_specifier
      name: (_) @name
      body: (enumerator_list) @body) @definition.class
    (type_definition
      type: (struct_specifier
        !name
        body: (field_declaration_list) @body)
      declarator: (type_identifier) @name) @definition.class
    (type_definition
      type: (union_specifier
        !name
        body: (field_declaration_list) @body)
      declarator: (type_identifier) @name) @definition.class
    (type_definition
      type: (enum_specifier
        !name
        body: (enumerator_list) @body)
      declarator: (type_identifier) @name) @definition.class
  ]
  (#match? @doc "^/\\*\\*"))

((comment)+ @doc
  .
  [
    (struct_specifier
      name: (_) @name
      body: (field_declaration_list) @body) @definition.class
    (union_specifier
      name: (_) @name
      body: (field_declaration_list) @body) @definition.class
    (enum_specifier
      name: (_) @name
      body: (enumerator_list) @body) @definition.class
    (type_definition
      type: (struct_specifier
        !name
        body: (field_declaration_list) @body)
      declarator: (type_identifier) @name) @definition.class
    (type_definition
      type: (union_specifier
        !name
        body: (field_declaration_list) @body)
      declarator: (type_identifier) @name) @definition.class
    (type_definition
      type: (enum_specifier
        !name
        body: (enumerator_list) @body)
      declarator: (type_identifier) @name) @definition.class
  ]
  (#match? @doc "^//"))
