"""Deterministic generator of Jekyll-style Japanese blog posts for build benchmarks.

The posts are shaped like the real ones the knowledge base is made for: YAML front matter
(``layout``, ``title``, ``date``, ``categories``, ``tags``, ``author``, ``excerpt``,
``reading_time``) and a long Japanese body with headings, bold text, lists and now and then a
fenced code block. The sentences come from templates written for this file and are filled
from :data:`VOCABULARY`, which is large enough that a search for one word finds some posts and
not others; each post leans on a few "focus" words so that posts differ the way real ones do.

Determinism: the output depends only on ``(n, seed)``. Every random choice goes through a
``random.Random`` seeded from ``(seed, post number)``, nothing iterates a set or a dict built
from hashed keys, and no wall-clock time is read. Post ``k`` is the same file whatever ``n`` is,
so a 10,000-post corpus starts with the 1,000-post one.

Usage::

    python benchmarks/corpus.py --posts 1000 --out benchmarks/_work/corpus [--seed 1]

or ``from corpus import generate; generate(1000, Path("out"))``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import unicodedata
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path
from random import Random

__all__ = ["VOCABULARY", "TAG_POOL", "CATEGORIES", "AUTHORS", "generate", "render_post", "main"]

# ---------------------------------------------------------------------------------------------
# Vocabulary. Lists are roughly ordered from common to rare: words are drawn Zipf-like by
# position, so early words appear in many posts and late ones in few (as in real text, which is
# what makes a search evaluation meaningful: rare words must rank their few posts first).
# ---------------------------------------------------------------------------------------------

COMPANIES: list[str] = [
    "NVIDIA", "Google", "Microsoft", "Amazon", "AWS", "OpenAI", "Meta", "Apple", "TSMC",
    "Intel", "AMD", "Anthropic", "Samsung", "Arm", "Qualcomm", "SKハイニックス", "Broadcom",
    "ソフトバンク", "富士通", "NEC", "日立製作所", "ソニー", "トヨタ", "IBM", "Oracle",
    "Micron", "ASML", "東京エレクトロン", "キオクシア", "ルネサス", "Databricks", "Snowflake",
    "Hugging Face", "Mistral AI", "Cohere", "Preferred Networks", "さくらインターネット",
    "NTTデータ", "KDDI", "楽天", "LINEヤフー", "Salesforce", "Cerebras", "Groq", "Graphcore",
    "CoreWeave", "Supermicro", "Dell", "HPE", "Marvell", "アドバンテスト", "パナソニック",
    "Rapidus", "Sakana AI", "ELYZA", "Stability AI", "xAI", "Tenstorrent", "SambaNova",
    "Lambda", "Cisco", "Equinix", "Tesla", "Baidu", "Alibaba", "Huawei",
]

PRODUCTS: list[str] = [
    "H100", "A100", "H200", "B200", "GB200", "Trainium", "Inferentia", "TPU", "CUDA", "PyTorch",
    "Trainium2", "Inferentia2", "Neuron SDK", "TensorFlow", "JAX", "Kubernetes", "SageMaker",
    "Bedrock", "Vertex AI", "Azure OpenAI", "Maia 100", "Gaudi 3", "MI300X", "Grace Hopper",
    "Graviton", "Xeon", "EPYC", "L40S", "DGX", "NVLink", "InfiniBand", "HBM3E", "HBM3", "CXL",
    "TPU v5e", "TPU v4", "ROCm", "Triton", "TensorRT", "vLLM", "ONNX", "Llama 3", "GPT-4",
    "Claude", "Gemini", "Stable Diffusion", "Whisper", "LangChain", "LlamaIndex", "Ray",
    "Apache Spark", "Kafka", "PostgreSQL", "pgvector", "Redis", "DuckDB", "Snapdragon",
    "Apple M3", "Jetson", "Omniverse", "BlueField", "Spectrum-X", "Cortex-A", "RISC-V",
    "DeepSpeed", "Megatron-LM", "FlashAttention", "LoRA", "QLoRA", "GGUF", "llama.cpp",
    "Ollama", "MLflow", "Airflow", "dbt", "Terraform", "Docker", "Prometheus", "Grafana",
    "OpenTelemetry", "FastAPI", "Rust", "Go", "Python", "TypeScript", "WebAssembly",
    "Copilot", "Cursor", "Gemma", "Phi-3", "Qwen", "Mixtral", "DALL-E", "Sora", "EC2", "S3",
]

KATAKANA: list[str] = [
    "アーキテクチャ", "インフラ", "クラウド", "データセンター", "モデル", "トレーニング",
    "ワークロード", "スループット", "レイテンシ", "メモリ", "ハードウェア", "ソフトウェア",
    "プラットフォーム", "エコシステム", "インターコネクト", "パフォーマンス", "コスト",
    "スケーラビリティ", "ファインチューニング", "プロンプト", "エージェント", "トランスフォーマー",
    "ベンチマーク", "アクセラレータ", "チップレット", "パッケージング", "サーバー",
    "ストレージ", "ネットワーク", "バンド幅", "キャッシュ", "パイプライン", "データパイプライン",
    "ベクトルデータベース", "エンベディング", "トークナイザー", "コンテキストウィンドウ",
    "マルチモーダル", "ファウンデーションモデル", "オープンソース", "ライセンス", "コンパイラ",
    "カーネル", "ランタイム", "スケジューラ", "オーケストレーション", "コンテナ",
    "マイクロサービス", "サーバーレス", "エッジデバイス", "エッジコンピューティング",
    "スマートフォン", "ロボティクス", "シミュレーション", "デジタルツイン", "セキュリティ",
    "ガバナンス", "コンプライアンス", "プライバシー", "サプライチェーン", "ファウンドリ",
    "ウェハー", "リソグラフィ", "トランジスタ", "クロック周波数", "バッチサイズ",
    "ハイパーパラメータ", "チェックポイント", "データセット", "アノテーション", "ラベリング",
    "ハルシネーション", "ガードレール", "レッドチーミング", "アライメント", "リーダーボード",
    "ユースケース", "ソリューション", "ロードマップ", "スタートアップ", "ベンチャーキャピタル",
    "バリュエーション", "ポートフォリオ", "マーケットシェア", "プロバイダー", "ハイパースケーラー",
    "パートナーシップ", "イノベーション", "ボトルネック", "オーバーヘッド", "フレームワーク",
    "ライブラリ", "ドライバ", "ファームウェア", "テレメトリ", "オブザーバビリティ",
    "ダッシュボード", "ワークフロー", "オートスケーリング", "ロードバランサ", "リージョン",
    "アベイラビリティゾーン", "レプリケーション", "シャーディング", "パーティション",
    "インデックス", "クエリ", "トランザクション", "ストリーミング", "バッチ処理",
    "リアルタイム", "レコメンデーション", "パーソナライズ", "チャットボット", "コパイロット",
    "コードレビュー", "テストカバレッジ", "リファクタリング", "デプロイ", "ロールバック",
    "カナリアリリース", "フィーチャーフラグ", "インシデント", "ポストモーテム", "オンコール",
    "サステナビリティ", "カーボンニュートラル", "液冷システム", "ヒートシンク", "ラック",
    "ブレードサーバー", "スーパーコンピュータ", "ノード", "クラスタ", "トポロジー",
    "スイッチ", "イーサネット", "フォトニクス", "シリコンフォトニクス", "メモリ帯域幅",
    "プリフェッチ", "スパース性", "ミックスドプレシジョン", "テンソルコア",
    "ストリーミングマルチプロセッサ",
    "プルーニング", "ディスティレーション", "キャリブレーション", "トークン", "スループット改善",
    "ユーザー体験", "インターフェース", "アクセシビリティ", "ローカライズ", "マーケティング",
    "ブランディング", "サブスクリプション", "ライセンス料", "エンタープライズ", "ガイドライン",
]

KANJI: list[str] = [
    "高速化", "推論", "学習", "量子化", "半導体", "演算", "性能", "電力効率", "消費電力",
    "冷却", "市場", "競争", "投資", "戦略", "開発", "研究", "設計", "製造", "供給", "需要",
    "価格", "規制", "生成", "言語", "画像認識", "音声認識", "自然言語処理", "機械学習",
    "深層学習", "強化学習", "大規模言語モデル", "並列処理", "分散学習", "低遅延", "省電力",
    "微細化", "歩留まり", "製造工程", "設備投資", "売上高", "営業利益", "時価総額",
    "市場規模", "成長率", "収益性", "株価", "決算", "業績予想", "事業部門", "研究開発費",
    "人材育成", "経営陣", "取締役会", "知的財産", "特許", "著作権", "個人情報",
    "情報漏洩", "脆弱性", "暗号化", "認証基盤", "自動運転", "医療画像", "創薬", "気象予測",
    "不正検知", "需要予測", "在庫管理", "品質管理", "異常検知", "故障予知", "画像生成",
    "動画生成", "文章要約", "機械翻訳", "検索拡張生成", "知識蒸留", "枝刈り", "誤差逆伝播",
    "勾配降下法", "損失関数", "活性化関数", "注意機構", "位置符号化", "埋め込み表現",
    "汎化性能", "過学習", "正則化", "評価指標", "精度", "再現率", "適合率", "計算資源",
    "計算量", "記憶容量", "帯域", "演算器", "行列演算", "浮動小数点", "整数演算", "命令セット",
    "専用回路", "汎用計算", "省力化", "業務効率化", "働き方改革", "人手不足", "少子高齢化",
    "地政学", "輸出規制", "経済安全保障", "補助金", "国策", "産業政策", "国際標準",
    "標準化", "相互運用性", "互換性", "移行計画", "既存資産", "技術的負債", "運用保守",
    "障害対応", "冗長化", "可用性", "信頼性", "耐障害性", "拡張性", "保守性", "観測性",
    "費用対効果", "総保有コスト", "損益分岐点", "価格競争", "寡占", "独占禁止法", "参入障壁",
    "差別化", "垂直統合", "水平分業", "内製化", "外部委託", "協業", "資本提携", "買収",
    "合弁会社", "上場", "資金調達", "評価額", "出資", "研究所", "大学", "産学連携",
    "論文", "査読", "再現性", "実験", "検証", "試作", "量産", "出荷", "納期", "調達",
    "電力網", "再生可能エネルギー", "原子力", "送電", "変電所", "用地", "地方自治体",
    "雇用", "教育", "教材", "学校現場", "行政手続", "電子政府", "金融機関", "保険",
    "証券", "決済", "物流", "倉庫", "小売店", "顧客体験", "接客", "需要変動", "季節性",
    "為替", "金利", "景気", "物価", "賃金", "消費者", "利用者", "中小企業", "大企業",
    "新興企業", "老舗企業", "業界団体", "官公庁", "海外勢",
    "国内勢", "先行者利益", "後発組", "勝ち筋", "将棋", "囲碁", "翻訳精度", "日本語対応",
    "敬語", "方言", "文字コード", "形態素解析", "分かち書き", "全文検索", "転置索引",
    "類似度", "近傍探索", "次元削減", "特徴量", "前処理", "後処理", "正規化", "重複排除",
    "匿名化", "同意取得", "監査", "説明責任", "透明性", "公平性", "偏り", "倫理",
]

MIXED: list[str] = [
    "NVIDIAのGPU", "AIチップ", "生成AI", "AI半導体", "GPUクラスタ", "LLM推論", "クラウドAI",
    "AIエージェント", "AWSの新サービス", "Googleの研究チーム", "AI投資", "AIインフラ",
    "GPU不足", "AI規制", "AI人材", "社内LLM", "RAG構成", "GPUサーバー", "AI PC",
    "AIアクセラレータ", "HBM需要", "CUDAエコシステム", "TPUクラスタ", "AI倫理", "AIガバナンス",
    "AI活用", "DX推進", "IoTセンサー", "5G通信", "6G研究", "ARグラス", "VR空間", "API連携",
    "SaaS企業", "SQLクエリ", "GPUメモリ", "CPU負荷", "SSD寿命", "OSS貢献", "PoC段階",
    "KPI設計", "ROI評価", "MLOps基盤", "LLMOps", "AI検索", "AI翻訳", "AI診断", "AI創薬",
    "EV電池", "Wi-Fi 7", "USB4", "Apple製品", "Microsoftの戦略", "Amazonの狙い", "Metaの研究",
    "OpenAIの新モデル", "TSMCの工場", "熊本工場", "北海道の新工場", "2nmプロセス", "3nmプロセス",
    "5nmプロセス", "7nm世代", "FP8演算", "INT4量子化", "BF16", "ゼロショット学習",
    "フューショット学習", "マルチGPU学習", "Tensorコア", "SRAM容量", "DRAM価格",
]

FIELDS: list[str] = [
    "製造業", "金融業界", "医療", "小売", "物流", "教育", "自治体", "通信", "エネルギー",
    "農業", "建設業", "不動産", "保険業界", "ゲーム業界", "広告", "メディア", "出版",
    "自動車産業", "航空", "鉄道", "観光", "飲食", "介護", "法務", "会計", "人事", "防災",
    "気象", "宇宙", "海運", "化学", "素材", "鉄鋼", "製薬", "ヘルスケア", "スポーツ",
    "エンタメ", "音楽", "アニメ", "ファッション",
]

ROLES: list[str] = [
    "エンジニア", "投資家", "研究者", "経営者", "開発チーム", "インフラ担当者",
    "データサイエンティスト",
    "プロダクトマネージャー", "情報システム部門", "アナリスト", "起業家", "学生", "編集部",
    "SRE", "CTO", "CFO", "現場の担当者", "営業チーム", "法務部門", "セキュリティ担当者",
]

# Every content word the templates can emit, in a fixed order without duplicates (insertion
# order of a dict, never a set, so the list is the same in every process).
VOCABULARY: list[str] = list(
    dict.fromkeys([*COMPANIES, *PRODUCTS, *KATAKANA, *KANJI, *MIXED, *FIELDS, *ROLES])
)

CATEGORIES: list[str] = [
    "技術解説", "業界動向", "投資分析", "製品レビュー", "クラウド", "半導体", "生成AI",
    "データ活用", "セキュリティ", "開発者向け", "経営戦略", "研究紹介",
]

AUTHORS: list[str] = [
    "テック編集部", "佐藤 健一", "山田 花子", "鈴木 大輔", "高橋 美咲", "田中 翔",
    "伊藤 由美", "渡辺 誠", "中村 葵", "Kenji Kobayashi",
]

# Tags: a hand-written head (the popular ones, with the spelling variants the extension must
# merge: case, full width, half-width katakana, and awkward characters for URLs), then words
# from the vocabulary to reach about 300. Position is popularity rank (Zipf weights below).
_TAG_HEAD: list[str] = [
    "AI", "最新ニュース", "技術動向", "GPU", "生成AI", "NVIDIA", "クラウド", "半導体",
    "データセンター", "投資", "LLM", "AWS", "機械学習", "チップ", "Python", "セキュリティ",
    "スタートアップ", "量子化", "高速化", "推論", "ai", "Google", "Microsoft", "オープンソース",
    "深層学習", "gpu", "エッジAI", "決算", "規制", "MLOps", "Kubernetes", "RAG", "Nvidia",
    "ＡＩ", "python", "データ分析", "llm", "ＧＰＵ", "C++", "CI/CD", "Node.js", "A/Bテスト",
    "ﾃﾞｰﾀｾﾝﾀｰ", "Rust", "自然言語処理", "画像生成", "エージェント", "半導体製造",
    "電力", "省電力", "ベンチマーク", "ＬＬＭ", "TypeScript", "C#", ".NET", "Web3",
    "DX", "IoT", "5G", "量子コンピュータ", "ロボット", "自動運転", "医療AI", "教育",
    "キャリア", "書評", "イベントレポート", "入門", "まとめ", "考察", "速報", "インタビュー",
]
TAG_POOL: list[str] = list(
    dict.fromkeys(
        [*_TAG_HEAD, *COMPANIES[:40], *PRODUCTS[:60], *KATAKANA[:70], *KANJI[:60], *MIXED[:20]]
    )
)[:300]

# ---------------------------------------------------------------------------------------------
# Templates. Slots: {co} company, {prod} product, {kata} katakana term, {kanji} kanji term,
# {mix} mixed term, {field} industry, {role} people, {x} a multiplier, {pct} a percentage,
# {num} a small count, {year} a year, {ver} a version string, {money} an amount.
# ---------------------------------------------------------------------------------------------

TITLES: list[str] = [
    "「{co}の{kata}戦略」は何を変えるのか？",
    "{prod}で{kanji}はどこまで進むのか",
    "{co}が仕掛ける{mix}の次の一手",
    "{kanji}入門：{num}つのポイントで読み解く{kata}",
    "{field}に広がる{mix}、現場で見えた課題",
    "{prod}と{prod2}を比べてわかった{kanji}の実力",
    "なぜ今{co}は{kata}に賭けるのか",
    "{year}年の{kanji}を占う：{co}と{co2}の動き",
    "{mix}はバブルか？{role}が見るべき数字",
    "{kata}の{kanji}を{x}倍にした工夫",
    "{co}、{prod}で{kanji}{x}倍を発表",
    "{field}×{mix}：導入の勘所と落とし穴",
    "{prod} {ver}の変更点と{kata}への影響",
    "{kanji}と{kanji2}、両立の条件を考える",
    "{role}のための{kata}読本",
    "{co}の決算から読む{mix}の行方",
    "{kata}がボトルネックになるとき",
    "{mix}時代の{kanji}：{num}つの論点",
    "{prod}を本番投入して{num}か月、わかったこと",
    "{co}と{co2}の提携は{field}をどう変えるか",
    "「{kanji}」の誤解を解く",
    "{kata}再入門：{prod}で学ぶ基礎",
    "{field}の{kanji}に{prod}は効くのか",
    "{co}の可能性とは？{mix}の現在地",
    "{kanji}の壁を越える{kata}設計",
]

EXCERPTS: list[str] = [
    "{topic}について、背景から今後の見通しまで整理します。",
    "{topic}の要点を、数字と事例を交えて解説します。",
    "{topic}をめぐる論点を{role}の視点でまとめました。",
    "{topic}は何をもたらすのか。現場の声とデータから考えます。",
    "{topic}の最新動向と、押さえておきたい{num}つの観点を紹介します。",
    "{topic}について、誤解されがちな点を中心に掘り下げます。",
]

OPENINGS: list[str] = [
    "「{co}が{prod}で{kanji}を{x}倍に」――この見出しを見て、何を思い浮かべたでしょうか。",
    "{mix}の話題を聞かない日はありません。それでも、今回の動きは少し性質が違います。",
    "{field}の現場で{kata}の相談を受けることが、ここ数か月で急に増えました。",
    "結論から言えば、{kanji}の主役は{kata}に移りつつあります。",
    "{year}年は{mix}にとって転換点として記憶されるかもしれません。",
    "{prod}の発表から{num}か月、ようやく全体像が見えてきました。",
]

SENTENCES: list[str] = [
    "{co}は{prod}を軸に、{kata}の刷新を進めています。",
    "注目すべきは、{kanji}の改善幅が{pct}%に達している点です。",
    "{prod}の{kata}は、前世代と比べて{x}倍の{kanji}を実現したとされます。",
    "ただし、{kanji}だけを見て判断するのは早計でしょう。",
    "{role}にとって重要なのは、{kata}の総コストがどう変わるかです。",
    "実際、{field}では{mix}の導入が{pct}%の企業で始まっています。",
    "{co}と{co2}の差は、{kata}よりもむしろ{kanji}に表れています。",
    "私が話を聞いた{role}は、{kanji}こそが本当の課題だと語っていました。",
    "この数字の裏には、{kata}と{kata2}を同時に最適化する地道な工夫があります。",
    "{prod} {ver}では、{kanji}まわりの仕様が大きく見直されました。",
    "もちろん、{mix}がすべての問題を解決するわけではありません。",
    "{kanji}の観点では、{prod}は{prod2}に一歩先んじていると言えます。",
    "一方で、{kata}の成熟度にはまだばらつきがあります。",
    "{co}が{money}億円規模の{kanji}を決めた背景には、{mix}への強い危機感があります。",
    "{field}の事例を見ると、{kata}の設計次第で{kanji}が大きく変わることがわかります。",
    "{year}年時点で、{mix}の市場は前年比{pct}%の伸びを示しました。",
    "{role}の多くは、{kanji}と{kanji2}のどちらを優先すべきか悩んでいます。",
    "その答えは、{kata}をどこまで自社で持つかによって変わります。",
    "興味深いのは、{co}が{prod}を{field}向けにも展開し始めたことです。",
    "{kanji}の議論では、しばしば{kata}の重要性が見落とされます。",
    "{prod}を使った検証では、{kata}が{pct}%短縮されました。",
    "{kata}の改善は地味ですが、積み重なると{kanji}に直結します。",
    "この構図は、かつての{kanji}をめぐる競争とよく似ています。",
    "{co}の担当者は「{kanji}は{num}年以内に当たり前になる」と話しています。",
    "とはいえ、{kanji}のリスクを軽視するべきではありません。",
    "{mix}を本格的に使うには、{kata}と{kanji}の両面で準備が要ります。",
    "私自身、{prod}を{num}か月使ってみて、{kata}の扱いやすさに驚きました。",
    "{field}の{role}からは、{kanji}への不安の声も少なくありません。",
    "ここで押さえておきたいのは、{kata}のボトルネックがどこにあるかです。",
    "{prod}と{prod2}を組み合わせる構成も、現実的な選択肢になってきました。",
    "{kanji}に強い{co}と、{kata}に強い{co2}の組み合わせは理にかなっています。",
    "それでも、{kanji2}の面では課題が残ります。",
    "{mix}の普及は、{field}の働き方そのものを変えつつあります。",
    "数字だけを追うと、{kata}の本質を見誤るおそれがあります。",
    "{co}は{year}年までに{kanji}を{x}倍に引き上げる計画を掲げています。",
    "{prod}の登場で、{kata}の前提が大きく揺らぎました。",
    "{kanji}を{pct}%改善するだけで、年間の{kanji2}は大きく変わります。",
    "この点については、{role}の間でも意見が分かれています。",
    "私の見立てでは、{mix}の勝負は{kata}の使い勝手で決まります。",
    "{co2}の{prod2}も、同じ方向を目指していると考えられます。",
    "{kanji}の遅れを取り戻すには、{kata}への継続的な投資が欠かせません。",
    "{field}では、すでに{prod}を使った{kanji}の実証が進んでいます。",
    "気になるのは、{kanji}と{kanji2}のトレードオフです。",
    "{kata}を見直しただけで、{kanji}が{x}倍になった例もあります。",
    "{mix}に関する報道は多いものの、{kanji}まで踏み込んだ分析は多くありません。",
    "ここ数年、{co}は{kata}の分野で着実に存在感を高めてきました。",
    "{prod}の価格は、{kanji}の観点から見ても妥当な水準にあります。",
    "{role}としては、{kata}の選定基準を早めに決めておくべきでしょう。",
    "{kanji}を軽んじた結果、{kata}で苦労したという話もよく耳にします。",
    "{co}の発表資料によれば、{prod}の{kanji}は{pct}%向上しています。",
    "本当に問われているのは、{mix}を使って何を実現するかです。",
    "{kata}と{kanji}の関係を理解すれば、次の一手も見えてきます。",
    "短期的には{kanji}、長期的には{kanji2}が焦点になるでしょう。",
    "{field}の{role}にとって、{prod}は心強い選択肢になり得ます。",
    "{co}の動きに、{co2}がどう応じるのかも見逃せません。",
    "{ver}以降の{prod}では、{kata}の設定が簡単になりました。",
    "{kanji}の数字は、条件を変えると大きく振れる点に注意が必要です。",
    "{mix}の波は、{field}にも確実に届いています。",
    "{kata}を{num}段階に分けて評価すると、弱点がはっきりします。",
    "この流れは、{kanji}をめぐる国際的な議論とも無関係ではありません。",
    "{co}は{kanji}よりも{kata}を重視する方針を明確にしました。",
    "{prod}に乗り換えるかどうかは、{kanji}の要件次第です。",
    "現場では、{kata}の運用に想像以上の手間がかかっています。",
    "{role}が最初に確認すべきなのは、{kanji}の前提条件です。",
    "{mix}と{kanji}の組み合わせは、まだ手探りの段階にあります。",
    "そもそも、{kanji}とは何を指すのでしょうか。",
    "{co}の{prod}は、{kata}の分野で事実上の標準になりつつあります。",
    "一言で言えば、{kanji}の重心が{kata}へ移っているのです。",
    "{field}向けの{kata}は、汎用品とは異なる要件を抱えています。",
    "{prod2}の{ver}では、{kanji}の扱いがさらに改善されました。",
    "{kanji}に関しては、{co2}の方が一枚上手かもしれません。",
    "{num}年前には想像できなかった{kanji}が、今では日常になりました。",
    "あなたの組織では、{kata}の見直しは進んでいるでしょうか。",
    "{mix}の評価には、{kanji}と{kanji2}の両方を見る必要があります。",
    "{co}の{role}は、{kata}の課題を率直に認めています。",
    "だからこそ、{kanji}の基礎を押さえることが大切なのです。",
    "{prod}のドキュメントには、{kata}の推奨設定が詳しく書かれています。",
    "{kanji}の改善は、最終的に{field}の利用者へ還元されます。",
    "{year}年の{kanji}は、{mix}抜きには語れません。",
    "少なくとも、{kata}の重要性が下がることはないでしょう。",
]

QUESTIONS: list[str] = [
    "では、{kanji}は本当に{x}倍になるのでしょうか？",
    "{co}の狙いはどこにあるのでしょうか？",
    "{field}にとって、{mix}は脅威なのでしょうか、それとも好機なのでしょうか？",
    "{kata}は、この先も主役であり続けるのでしょうか？",
]

CLOSINGS: list[str] = [
    "{mix}の行方は、まだ誰にもわかりません。だからこそ、{kanji}の動きを追い続ける価値があります。",
    "次回は、{prod}を使った{kata}の具体的な手順を紹介する予定です。",
    "{role}の皆さんも、ぜひ自分の手で{prod}を試してみてください。",
    "{kanji}の変化は速く、今日の常識は明日には変わっているかもしれません。",
    "引き続き、{co}と{co2}の動向に注目していきます。",
]

HEADINGS: list[str] = [
    "{kanji}の現状", "{co}の狙い", "{prod}の実力", "{kata}という視点", "{field}への影響",
    "{mix}の課題", "{role}が押さえるべき点", "数字で見る{kanji}", "{kata}と{kanji}の関係",
    "{prod}と{prod2}の違い", "今後の見通し", "導入の進め方", "見落とされがちな{kanji}",
    "{year}年に向けて", "まとめ：{mix}とどう向き合うか", "{kata}の設計原則",
    "{co}と{co2}の比較", "{field}の事例から", "リスクと対策", "{kanji}の技術的背景",
]

BULLETS: list[str] = [
    "{kanji}の{pct}%改善", "{prod}への移行コスト", "{kata}の運用負荷", "{field}での実績",
    "{co}のサポート体制", "{kanji}と{kanji2}のバランス", "{mix}の成熟度", "{prod} {ver}の互換性",
    "{kata}の可観測性", "{role}の確保と育成", "{kanji}に関する社内規程", "{kata}の冗長構成",
    "{x}倍の{kanji}を支える{kata}", "{co2}製品との比較", "{num}年間の総保有コスト",
    "**{kanji}**を優先するかどうか", "{kata}のベンチマーク結果", "{mix}の適用範囲",
]

LIST_LEADS: list[str] = [
    "検討の際には、次の点を確認しておきましょう。",
    "ポイントを整理すると、以下のようになります。",
    "私が特に重要だと考えるのは、次の{num}点です。",
    "{role}の視点では、少なくとも次の項目は外せません。",
]

CODE_BLOCKS: list[tuple[str, str]] = [
    (
        "bash",
        "pip install {pkg}=={ver}\n"
        "python -m {pkg_mod}.check --device {device}\n",
    ),
    (
        "python",
        "import torch\n\n"
        "model = load_model(\"{model}\", dtype=torch.bfloat16)\n"
        "model = quantize(model, bits={bits})  # {kanji}\n"
        "print(benchmark(model, batch_size={batch}))\n",
    ),
    (
        "yaml",
        "cluster:\n"
        "  name: {cluster}\n"
        "  instance_type: {instance}\n"
        "  nodes: {batch}\n"
        "  runtime: \"{ver}\"\n",
    ),
    (
        "json",
        "{{\n"
        "  \"model\": \"{model}\",\n"
        "  \"max_tokens\": {tokens},\n"
        "  \"temperature\": 0.{bits}\n"
        "}}\n",
    ),
    (
        "text",
        "throughput: {tokens} tokens/s\n"
        "latency p50: {batch} ms\n"
        "version: {ver}\n",
    ),
]

_CODE_PKGS = ["neuronx-cc", "vllm", "torch", "onnxruntime", "tensorrt", "jax", "ray", "mlflow"]
_CODE_MODELS = ["llama-3-8b", "gemma-7b", "mistral-7b", "qwen2-7b", "phi-3-mini", "elyza-7b"]
_CODE_DEVICES = ["cuda", "neuron", "tpu", "cpu", "rocm"]
_CODE_INSTANCES = ["trn1.32xlarge", "inf2.48xlarge", "p5.48xlarge", "g5.12xlarge", "a3-highgpu-8g"]

# Time zones as written in the front matter, with weights: mostly +0000 as in the sample,
# then the forms Jekyll also accepts. "+09:00" and "Z" make PyYAML return a datetime rather
# than a string, which the extension's date parser must also handle.
_ZONES: list[tuple[str, int, int]] = [
    # (suffix format, offset minutes, weight)
    ("+0000", 0, 70),
    ("+0900", 540, 14),
    ("-0500", -300, 8),
    ("Z", 0, 4),
    ("+09:00", 540, 4),
]

_START = dt.datetime(2023, 2, 1, 0, 0, 0)
_SPAN_SECONDS = 3 * 365 * 24 * 3600  # three years of posts

_BODY_MIN, _BODY_MAX = 3000, 12000

_SLOT = re.compile(r"\{(\w+)\}")


def _zipf_cum(n: int, s: float = 1.0) -> list[float]:
    """Cumulative Zipf weights for ranks 1..n (for ``Random.choices(cum_weights=...)``)."""
    return list(accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


# Zipf exponents are below 1 for the vocabulary so that the tail still appears now and then.
_CLASSES: dict[str, list[str]] = {
    "co": COMPANIES,
    "prod": PRODUCTS,
    "kata": KATAKANA,
    "kanji": KANJI,
    "mix": MIXED,
    "field": FIELDS,
    "role": ROLES,
}
_CLASS_CUM: dict[str, list[float]] = {k: _zipf_cum(len(v), 1.0) for k, v in _CLASSES.items()}
_TAG_CUM = _zipf_cum(len(TAG_POOL), 1.0)


def _tag_key(tag: str) -> str:
    """The identity the extension gives a tag (NFKC, case-folded): one post never repeats one."""
    return unicodedata.normalize("NFKC", tag).casefold().strip()


def _fullwidth(text: str) -> str:
    """ASCII letters and digits to their full-width forms (ＧＰＵ, Ｈ１００)."""
    return "".join(
        chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text
    )


class _Post:
    """Random choices for one post: its focus words and the slot filler."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        # A post is "about" a few words: they fill about half of the slots of their class.
        self.focus: dict[str, list[str]] = {
            "co": self._draw("co", 2),
            "prod": self._draw("prod", 3),
            "kata": self._draw("kata", 4),
            "kanji": self._draw("kanji", 4),
            "mix": self._draw("mix", 2),
            "field": self._draw("field", 1),
            "role": self._draw("role", 2),
        }

    def _draw(self, cls: str, k: int) -> list[str]:
        words = _CLASSES[cls]
        # Focus words are drawn uniformly (not Zipf) so that rare words also lead some posts.
        return self.rng.sample(words, k)

    def word(self, cls: str, focus: float = 0.6) -> str:
        if self.rng.random() < focus:
            return self.rng.choice(self.focus[cls])
        return self.rng.choices(_CLASSES[cls], cum_weights=_CLASS_CUM[cls])[0]

    def version(self) -> str:
        r = self.rng
        return f"{r.randint(0, 4)}.{r.randint(0, 20)}.{r.randint(0, 9)}"

    def fill(
        self, template: str, bold: float = 0.04, focus: float = 0.6, **fixed: str
    ) -> str:
        """Fill every ``{slot}``; a second ``{co2}`` etc. differs from ``{co}`` when it can."""
        r = self.rng
        used: dict[str, str] = dict(fixed)  # slot -> text as written (maybe bold)
        words: list[tuple[str, str]] = []  # (class, bare word) already in this sentence

        def one(m: re.Match[str]) -> str:
            slot = m.group(1)
            if slot in used:
                return used[slot]
            base = slot.rstrip("2")
            if base in _CLASSES:
                taken = [w for c, w in words if c == base]
                value = self.word(base, focus)
                for _ in range(4):  # {kanji} and {kanji2}: try for two different words
                    if value not in taken:
                        break
                    value = self.word(base, focus)
                words.append((base, value))
                if value.isascii() and r.random() < 0.01:
                    value = _fullwidth(value)  # now and then a full-width spelling
                elif r.random() < bold:
                    value = f"**{value}**"
            elif slot == "x":
                value = r.choice(["1.5", "2", "2.5", "3", "4", "5", "10", "1.8", "1.3"])
            elif slot == "pct":
                value = str(r.randint(5, 95))
            elif slot == "num":
                n = r.randint(2, 9)
                value = _fullwidth(str(n)) if r.random() < 0.05 else str(n)
            elif slot == "year":
                value = str(r.randint(2023, 2030))
            elif slot == "ver":
                value = self.version()
            elif slot == "money":
                value = str(r.choice([50, 100, 300, 500, 1000, 2000, 5000, 10000]))
            else:  # unknown slot: a template bug, fail loudly rather than emit "{slot}"
                raise KeyError(slot)
            used[slot] = value
            return value

        return _SLOT.sub(one, template)


def _paragraph(p: _Post) -> str:
    r = p.rng
    k = r.randint(3, 7)
    sentences = [p.fill(r.choice(SENTENCES)) for _ in range(k)]
    if r.random() < 0.15:
        sentences.insert(r.randint(0, len(sentences)), p.fill(r.choice(QUESTIONS)))
    return "".join(sentences)


def _bullet_list(p: _Post) -> str:
    r = p.rng
    lead = p.fill(r.choice(LIST_LEADS))
    items = [f"- {p.fill(t, bold=0.0)}" for t in r.sample(BULLETS, r.randint(3, 6))]
    return lead + "\n\n" + "\n".join(items)


def _code_block(p: _Post) -> str:
    r = p.rng
    lang, template = r.choice(CODE_BLOCKS)
    pkg = r.choice(_CODE_PKGS)
    code = template.format(
        pkg=pkg,
        pkg_mod=pkg.replace("-", "_"),
        ver=p.version(),
        device=r.choice(_CODE_DEVICES),
        model=r.choice(_CODE_MODELS),
        bits=r.choice([4, 8]),
        batch=r.choice([8, 16, 32, 64, 128]),
        kanji=p.word("kanji"),
        cluster=f"bench-{r.randint(1, 99):02d}",
        instance=r.choice(_CODE_INSTANCES),
        tokens=r.choice([512, 1024, 2048, 4096, 8192]),
    )
    intro = p.fill("{prod}での設定例を示します。")
    return f"{intro}\n\n```{lang}\n{code}```"


def _body(p: _Post, target: int) -> str:
    """Blocks (paragraphs, headings, lists, code) until ``target`` characters are reached.

    Every block is well under 1,000 characters, so with ``target`` at most 11,000 the body
    never passes 12,000; the caller checks the bounds anyway.
    """
    r = p.rng
    blocks: list[str] = [p.fill(r.choice(OPENINGS)), _paragraph(p)]
    size = sum(len(b) + 2 for b in blocks)
    since_heading = 0
    prose_before = True  # lists, code and headings always follow a paragraph
    headings = r.sample(HEADINGS, len(HEADINGS))  # no heading twice in one post
    while size < target:
        roll = r.random()
        if prose_before and since_heading >= 3 and roll < 0.35 and headings:
            block = "## " + p.fill(headings.pop(), bold=0.0)
            since_heading = 0
            prose_before = False
        elif prose_before and roll < 0.08:
            block = _bullet_list(p)
            prose_before = False
        elif prose_before and roll < 0.095:  # code now and then: about a quarter of the posts
            block = _code_block(p)
            prose_before = False
        else:
            block = _paragraph(p)
            since_heading += 1
            prose_before = True
        blocks.append(block)
        size += len(block) + 2
    blocks.append(p.fill(r.choice(CLOSINGS)))
    return "\n\n".join(blocks) + "\n"


def _yaml_str(value: str) -> str:
    """A YAML double-quoted scalar (the templates never produce control characters)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _yaml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_yaml_str(v) for v in values) + "]"


def _date(rng: Random) -> tuple[str, dt.date]:
    """A front-matter date and the local calendar date used in the file name."""
    when = _START + dt.timedelta(seconds=rng.randrange(_SPAN_SECONDS))
    suffix, _, _ = rng.choices(_ZONES, weights=[w for _, _, w in _ZONES])[0]
    stamp = when.strftime("%Y-%m-%d %H:%M:%S")
    if suffix == "Z":
        text = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        text = f"{stamp} {suffix}"
    # The written wall-clock time is local to its zone, so its date is the post's date.
    return text, when.date()


def _tags(p: _Post) -> list[str]:
    r = p.rng
    want = r.randint(3, 8)
    tags: list[str] = []
    seen: set[str] = set()  # membership only; never iterated, so order stays deterministic
    # Real posts tag what they are about: a focus word that is also a tag comes first.
    candidates = [w for w in (*p.focus["co"], *p.focus["prod"], *p.focus["kanji"]) if w in TAG_POOL]
    for word in candidates[: r.randint(0, 2)]:
        tags.append(word)
        seen.add(_tag_key(word))
    for _ in range(200):  # bounded: the pool is far larger than 8
        if len(tags) >= want:
            break
        tag = r.choices(TAG_POOL, cum_weights=_TAG_CUM)[0]
        if _tag_key(tag) not in seen:
            tags.append(tag)
            seen.add(_tag_key(tag))
    return tags


def render_post(number: int, seed: int = 1) -> tuple[str, str]:
    """The file name and text of post ``number`` (1-based) for ``seed``."""
    # A string seed is hashed with SHA-512 by ``random`` (not ``hash()``), so it is stable.
    rng = Random(f"kiji-corpus:{seed}:{number}")
    p = _Post(rng)
    date_text, day = _date(rng)
    topic_word = p.focus["co"][0] if rng.random() < 0.5 else p.focus["prod"][0]
    # Title and excerpt name what the post is about: focus words only.
    title = p.fill(rng.choice(TITLES), bold=0.0, focus=1.0)
    topic = f"{topic_word}と{p.focus['kanji'][0]}"
    excerpt = p.fill(rng.choice(EXCERPTS), bold=0.0, focus=1.0, topic=topic)
    categories = rng.sample(CATEGORIES, rng.choice([1, 1, 1, 2]))
    author = rng.choice(AUTHORS)
    tags = _tags(p)
    # Body length: most posts 5-8k characters like the sample, a few short or very long ones.
    target = int(min(11000, max(3200, rng.triangular(3200, 11000, 6500))))
    body = _body(p, target)
    if not _BODY_MIN <= len(body) <= _BODY_MAX:  # a template change broke the size bound
        raise AssertionError(f"post {number}: body of {len(body)} characters")
    # About 1,000 characters a minute: the sample post's ratio (8,000 characters, 8 minutes).
    reading_time = max(1, round(len(body) / 1000))
    front = "\n".join(
        [
            "---",
            "layout: post",
            f"title: {_yaml_str(title)}",
            f"date: {date_text}",
            f"categories: {_yaml_list(categories)}",
            f"tags: {_yaml_list(tags)}",
            f"author: {_yaml_str(author)}",
            f"excerpt: {_yaml_str(excerpt)}",
            f"reading_time: {reading_time}",
            "---",
        ]
    )
    name = f"{day.isoformat()}-post-{number:05d}.md"
    return name, f"{front}\n\n{body}"


def _write_if_changed(path: Path, text: str) -> None:
    """Write UTF-8 with LF endings, leaving an identical file untouched (keeps its mtime)."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return
    except FileNotFoundError:
        pass
    path.write_bytes(data)


def generate(n: int, out: Path, seed: int = 1) -> list[Path]:
    """Write ``out/index.md`` and ``n`` posts under ``out/posts/``; return the post paths.

    Posts left over from an earlier, larger run into the same folder are removed, so the
    folder holds exactly this corpus.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    out = Path(out)
    posts_dir = out / "posts"
    posts_dir.mkdir(parents=True, exist_ok=True)
    _write_if_changed(
        out / "index.md",
        "# 技術記事アーカイブ\n\n"
        f"自動生成した{n}件の日本語記事で、サイトの構築と検索を検証するためのページです。\n",
    )
    paths: list[Path] = []
    for number in range(1, n + 1):
        name, text = render_post(number, seed)
        path = posts_dir / name
        _write_if_changed(path, text)
        paths.append(path)
    keep = {p.name for p in paths}
    for old in sorted(posts_dir.glob("*-post-*.md")):
        if old.name not in keep:
            old.unlink()
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, required=True, help="number of posts")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    paths = generate(args.posts, args.out, args.seed)
    total = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} posts ({total / 1e6:.1f} MB) to {args.out}/posts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
