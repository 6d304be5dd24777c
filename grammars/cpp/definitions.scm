;; Definitions: @definition.function / .method / .class on the whole node,
;; with @name and @body.
;; Methods: functions named by a field_identifier or a destructor_name (only
;; class bodies have those), and any function directly in a class body
;; (constructors, operators, member templates).
;; Functions: a qualified or template_function name anywhere (out-of-line
;; `int Shape::area() {}` reads like `int ns::area() {}`; @name is the
;; qualified_identifier), and a plain name at file or namespace level, in
;; `extern "C"` or in a preprocessor conditional (one inside a class body
;; too: the grammar does not tell).
;; A `/** ... */` block or a run of `//` lines right before a definition is
;; captured as @doc by the "Documented" patterns, in extra matches of the
;; same definition nodes.

;; Methods named by a member name, wherever they stand
(function_definition
  declarator: [
    (function_declarator
      declarator: [
        (field_identifier)
        (destructor_name)
      ] @name)
    (pointer_declarator
      declarator: (function_declarator
        declarator: [
          (field_identifier)
          (destructor_name)
        ] @name))
    (reference_declarator
      (function_declarator
        declarator: [
          (field_identifier)
          (destructor_name)
        ] @name))
  ]
  body: (compound_statement) @body) @definition.method

;; Methods: constructors, operators and templates in a class body
(field_declaration_list
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.method
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.method)
  ])

;; Functions with a qualified name, wherever they stand
(function_definition
  declarator: [
    (function_declarator
      declarator: [
        (qualified_identifier)
        (template_function)
      ] @name)
    (pointer_declarator
      declarator: (function_declarator
        declarator: [
          (qualified_identifier)
          (template_function)
        ] @name))
    (reference_declarator
      (function_declarator
        declarator: [
          (qualified_identifier)
          (template_function)
        ] @name))
  ]
  body: (compound_statement) @body) @definition.function

;; Functions: at file or namespace level, or in extern "C"
(translation_unit
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.function
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.function)
  ])

(declaration_list
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.function
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.function)
  ])

(linkage_specification
  body: (function_definition
    declarator: [
      (function_declarator
        declarator: [
          (identifier)
          (operator_name)
        ] @name)
      (pointer_declarator
        declarator: (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name))
      (reference_declarator
        (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name))
    ]
    body: (compound_statement) @body) @definition.function)

;; Functions in preprocessor conditionals (in a class body too)
(preproc_if
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.function
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.function)
  ])

(preproc_ifdef
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.function
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.function)
  ])

(preproc_else
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.function
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.function)
  ])

(preproc_elif
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.function
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.function)
  ])

;; Classes, structs, unions and enums (named, or anonymous in a typedef)
(class_specifier
  name: (_) @name
  body: (field_declaration_list) @body) @definition.class

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
  type: (class_specifier
    !name
    body: (field_declaration_list) @body)
  declarator: (type_identifier) @name) @definition.class

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

;; Documented methods and functions that need no context
((comment) @doc
  .
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (field_identifier)
            (destructor_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (field_identifier)
              (destructor_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (field_identifier)
              (destructor_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.method
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (field_identifier)
              (destructor_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (field_identifier)
                (destructor_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (field_identifier)
                (destructor_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.method)
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (qualified_identifier)
            (template_function)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (qualified_identifier)
              (template_function)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (qualified_identifier)
              (template_function)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.function
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (qualified_identifier)
              (template_function)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (qualified_identifier)
                (template_function)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (qualified_identifier)
                (template_function)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.function)
  ]
  (#match? @doc "^/\\*\\*"))

((comment)+ @doc
  .
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (field_identifier)
            (destructor_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (field_identifier)
              (destructor_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (field_identifier)
              (destructor_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.method
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (field_identifier)
              (destructor_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (field_identifier)
                (destructor_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (field_identifier)
                (destructor_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.method)
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (qualified_identifier)
            (template_function)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (qualified_identifier)
              (template_function)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (qualified_identifier)
              (template_function)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.function
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (qualified_identifier)
              (template_function)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (qualified_identifier)
                (template_function)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (qualified_identifier)
                (template_function)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.function)
  ]
  (#match? @doc "^//"))

;; Documented methods in a class body
((field_declaration_list
  (comment) @doc
  .
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.method
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.method)
  ])
  (#match? @doc "^/\\*\\*"))

((field_declaration_list
  (comment)+ @doc
  .
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.method
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.method)
  ])
  (#match? @doc "^//"))

;; Documented functions at file or namespace level
((translation_unit
  (comment) @doc
  .
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.function
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.function)
  ])
  (#match? @doc "^/\\*\\*"))

((translation_unit
  (comment)+ @doc
  .
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.function
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.function)
  ])
  (#match? @doc "^//"))

((declaration_list
  (comment) @doc
  .
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.function
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.function)
  ])
  (#match? @doc "^/\\*\\*"))

((declaration_list
  (comment)+ @doc
  .
  [
    (function_definition
      declarator: [
        (function_declarator
          declarator: [
            (identifier)
            (operator_name)
          ] @name)
        (pointer_declarator
          declarator: (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
        (reference_declarator
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name))
      ]
      body: (compound_statement) @body) @definition.function
    (template_declaration
      (function_definition
        declarator: [
          (function_declarator
            declarator: [
              (identifier)
              (operator_name)
            ] @name)
          (pointer_declarator
            declarator: (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
          (reference_declarator
            (function_declarator
              declarator: [
                (identifier)
                (operator_name)
              ] @name))
        ]
        body: (compound_statement) @body) @definition.function)
  ])
  (#match? @doc "^//"))

;; Documented classes, structs, unions and enums
((comment) @doc
  .
  [
    (class_specifier
      name: (_) @name
      body: (field_declaration_list) @body) @definition.class
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
      type: (class_specifier
        !name
        body: (field_declaration_list) @body)
      declarator: (type_identifier) @name) @definition.class
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
    (class_specifier
      name: (_) @name
      body: (field_declaration_list) @body) @definition.class
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
      type: (class_specifier
        !name
        body: (field_declaration_list) @body)
      declarator: (type_identifier) @name) @definition.class
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
