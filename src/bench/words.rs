//! Word lists for the synthetic catalog: real ML/NLP vocabulary, author names, venues and
//! tags, so that generated papers tokenize, stem and collide the way real ones do. Kept as
//! space- or comma-separated strings to stay compact; `synth` splits them once.

/// Adjectives and modifiers that open or qualify titles (`|`-separated: some have spaces).
pub const ADJECTIVES: &str = "adaptive|efficient|scalable|robust|sparse|deep|neural|contrastive|\
self-supervised|multilingual|generative|hierarchical|probabilistic|Bayesian|differentiable|\
federated|causal|unsupervised|semi-supervised|few-shot|zero-shot|compositional|interpretable|\
recurrent|convolutional|variational|adversarial|latent|masked|autoregressive|bidirectional|\
multimodal|cross-lingual|low-resource|parameter-efficient|retrieval-augmented|memory-efficient|\
distributed|continual|implicit|structured|dense|lightweight|universal|stochastic|graph-based|\
kernelized|equivariant|invariant|calibrated|faithful|grounded|instruction-tuned|aligned|discrete|\
continuous|optimal|linear|nonlinear|quantized|pruned|distilled|long-context|open-domain|\
end-to-end|on-device|privacy-preserving|energy-based|neuro-symbolic|hybrid|modular|dynamic|\
temporal|spatial|local|global|large-scale|compute-optimal|data-efficient|sample-efficient|\
provable|certified|fair|explainable|steerable|emergent|unified|simple|fast|accurate|scalable";

/// Things papers are about (`|`-separated).
pub const NOUNS: &str = "transformers|representations|embeddings|attention|language models|\
neural networks|optimization|generalization|reasoning|retrieval|translation|summarization|\
alignment|tokenization|pretraining|fine-tuning|inference|decoding|distillation|compression|\
quantization|scaling laws|benchmarks|datasets|agents|policies|reward models|gradients|priors|\
kernels|features|objectives|architectures|mixture of experts|memory|search|planning|\
world models|diffusion models|autoencoders|graph neural networks|contrastive learning|\
normalizing flows|state space models|recurrent networks|convolutions|word vectors|\
sentence encoders|knowledge graphs|program synthesis|chain-of-thought|in-context learning|\
instruction tuning|preference optimization|reinforcement learning|active learning|\
curriculum learning|meta-learning|transfer learning|domain adaptation|data augmentation|\
regularization|dropout|batch normalization|layer normalization|residual connections|\
positional encodings|sparse attention|linear attention|key-value caches|speculative decoding|\
beam search|sampling|calibration|uncertainty|robustness|interpretability|probing|circuits|\
feature attribution|saliency maps|watermarking|membership inference|differential privacy|\
hallucination|factuality|toxicity|bias|fairness|evaluation|leaderboards|emergence|grokking|\
double descent|lottery tickets|neural tangent kernels|loss landscapes|learning rates|\
optimizers|momentum|warmup|weight decay|tokenizers|vocabularies|subwords|byte-pair encoding|\
vision transformers|speech models|code models|protein models|retrievers|rerankers|\
vector databases|embedding spaces|latent spaces|codebooks|adapters|low-rank adaptation|\
prompts|prompt tuning|soft prompts|tool use|function calling|multi-agent systems|self-play";

/// Tasks and application areas (`|`-separated).
pub const TASKS: &str = "question answering|machine translation|text classification|\
named entity recognition|image classification|object detection|speech recognition|\
dialogue generation|code generation|semantic parsing|sentiment analysis|\
information extraction|document ranking|visual question answering|image captioning|\
protein folding|molecule generation|theorem proving|recommendation|anomaly detection|\
time series forecasting|graph classification|link prediction|relation extraction|\
coreference resolution|natural language inference|reading comprehension|text-to-SQL|\
text-to-image generation|video understanding|robot manipulation|autonomous driving|\
medical imaging|legal reasoning|mathematical reasoning|commonsense reasoning|\
fact verification|open-domain question answering|multi-hop reasoning|table understanding|\
summarization of long documents|low-resource translation|speech synthesis|music generation|\
3D reconstruction|semantic segmentation|pose estimation|optical character recognition|\
entity linking|query expansion|passage retrieval|citation recommendation|paper reviewing|\
tutoring|essay scoring|grammatical error correction|style transfer|paraphrase generation";

/// Connecting words for abstracts (space-separated).
pub const VERBS: &str = "improves outperforms matches reduces accelerates stabilizes \
generalizes scales simplifies unifies explains predicts recovers preserves transfers \
compresses aligns grounds calibrates regularizes";

/// Syllables for coined model names ("Chinchilla", "Gopher" style): the long tail of
/// vocabulary that real catalogs have and word lists alone would not.
pub const SYLLABLES: &str = "chin chil la go pher lla ma ber ta gem ini pa lm fal con mis tral \
phi qwen zor vex ori on nova lu mi ra kai zen tor ix al pa ca vi cu na dol ly orca stab le \
mam ba hy ena ret ro flam ingo spar row";

/// Given names (space-separated).
pub const FIRST_NAMES: &str = "Ashish Noam Niki Jakob Llion Aidan Lukasz Illia Jared Sam Tom \
Benjamin Dario Jordan Sebastian Arthur Elena Laurent Geoffrey Yoshua Yann Ilya Oriol Quoc \
Kaiming Xiangyu Shaoqing Jian Diederik Max Alex Karen Andrew Fei-Fei Christopher Percy Dan \
Emily Timnit Margaret Jacob Ming-Wei Kenton Kristina Colin Adam Katherine Sharan Wei Yi Hugo \
Thibaut Guillaume Edouard Armand Tri Albert Chris Luke Mike Jason Denny Maarten Anna Sofia \
Marta Ines Julia Priya Ananya Rahul Arjun Mei Hana Yuki Kenji Seo-yeon Min-jun Olga Dmitri \
Ivan Fatima Amina Omar Lucia Mateo Camila Diego Zoe Chloe Ethan Noah Liam Emma Olivia";

/// Family names (space-separated; a few with accents to exercise folding).
pub const LAST_NAMES: &str = "Vaswani Shazeer Parmar Uszkoreit Jones Gomez Kaiser Polosukhin \
Kaplan McCandlish Henighan Brown Chess Child Gray Radford Wu Amodei Hoffmann Borgeaud Mensch \
Buchatskaya Cai Rutherford Sifre Hinton Bengio LeCun Sutskever Vinyals Le He Zhang Ren Sun \
Kingma Welling Krizhevsky Simonyan Zisserman Ng Li Manning Liang Jurafsky Bender Gebru \
Mitchell Devlin Chang Lee Toutanova Raffel Roberts Lee Narang Touvron Lavril Izacard Grave \
Joulin Dao Gu Ré Zettlemoyer Lewis Wei Zhou Schölkopf Smola Müller Dvořák Nuñez García \
Fernández Rossi Bianchi Kowalski Nowak Novak Tanaka Suzuki Sato Kim Park Choi Chen Wang Liu \
Yang Huang Zhao Singh Gupta Sharma Patel Ivanov Petrov Okafor Mensah Haddad Silva Santos \
Oliveira Martin Bernard Dubois Schmidt Schneider Fischer Weber Meyer Johansson Andersson \
O'Neil O'Brien MacDonald";

/// Venues, with whether they are a journal (`@article`) or proceedings (`@inproceedings`).
pub const VENUES: &[(&str, bool)] = &[
    ("NeurIPS", false),
    ("ICML", false),
    ("ICLR", false),
    ("ACL", false),
    ("EMNLP", false),
    ("NAACL", false),
    ("COLING", false),
    ("CVPR", false),
    ("ICCV", false),
    ("ECCV", false),
    ("AAAI", false),
    ("IJCAI", false),
    ("KDD", false),
    ("SIGIR", false),
    ("WWW", false),
    ("UAI", false),
    ("AISTATS", false),
    ("COLT", false),
    ("Journal of Machine Learning Research", true),
    (
        "Transactions of the Association for Computational Linguistics",
        true,
    ),
    ("Transactions on Machine Learning Research", true),
    ("Nature", true),
    ("Science", true),
    (
        "IEEE Transactions on Pattern Analysis and Machine Intelligence",
        true,
    ),
    ("Computational Linguistics", true),
    ("Neural Computation", true),
];

/// Extra tags beyond those derived from nouns and tasks (`|`-separated), written the way
/// people write them: mixed case, spaces, hyphens.
pub const EXTRA_TAGS: &str = "NLP|Computer Vision|ML Theory|RLHF|LLM|LLMs|Efficiency|\
Safety|Ethics|Survey|Position Paper|Benchmark|Dataset|Open Source|Reproducibility|\
Week 1|Week 2|Week 3|Week 4|Week 5|Week 6|Week 7|Week 8|Required|Optional|Classic|\
Seminal|Must Read|Scaling|Emergent Abilities|Multimodal|Speech|Robotics|Healthcare|Law|\
Education|Climate|Biology|Chemistry|Mathematics|Theory|Systems|Hardware|Compilers";
