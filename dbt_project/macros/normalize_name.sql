{#
  Names as people compare them (DESIGN §2 "Enterprise names: trim, unify full/half-width
  brackets"): full-width ASCII forms U+FF01..U+FF5E (（）［］，．Ａ１ ...) become their ASCII
  counterparts, the ideographic space U+3000 becomes a space, runs of whitespace collapse to
  one space, and the result is trimmed (NULL if nothing is left). Used for enterprise,
  patent-holder and carrier names; staging keeps the name as written in `*_original`.

  Cost matters (tens of millions of patent holders): full-width brackets and the ideographic
  space, by far the most common full-width characters in names, are replaced directly; the
  complete mapping (translate, slow) only runs on names that still contain one.
#}
{% macro normalize_name(column) -%}
    {%- set brackets_and_spaces_done -%}
        replace(replace(replace({{ column }}, '（', '('), '）', ')'), '　', ' ')
    {%- endset -%}
    nullif(trim(regexp_replace(
        case
            when regexp_matches({{ brackets_and_spaces_done }}, '[\x{FF01}-\x{FF5E}]')
                then translate({{ brackets_and_spaces_done }},
                    '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～',
                    '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~')
            else {{ brackets_and_spaces_done }}
        end,
        '\s+', ' ', 'g')), '')
{%- endmacro %}
