package priority

// Definition is what a level means, in one language: a short name, the
// service-impact title the seeds use, and the full text shown to submitters.
type Definition struct {
	Name  string `json:"name" yaml:"name"`
	Title string `json:"title" yaml:"title"`
	Text  string `json:"text" yaml:"text"`
}

// DefaultLanguage is the language used when a definition is missing in the one
// asked for; support is given in English (PRODUCT §5).
const DefaultLanguage = "en"

// Definitions holds each level's definition keyed by BCP 47 language tag. It is
// data, taken from the seeds (003 in English, 000 in Italian, 001 in French)
// with the vendor's name replaced by "the product", so that the interface's
// message catalogs can reuse it.
var Definitions = map[string]map[Level]Definition{
	"en": {
		P1: {"Critical", "Very high service impact", "Despite proper installation and use of the product: (a) a substantial part of the product does not operate and cannot be restarted; (b) an error in a major function makes that function completely unusable; or (c) an error makes a third-party, mission-critical application unstable."},
		P2: {"High", "High service impact", "Despite proper installation and use of the product, an error in a major function has a significant impact on the product, so that it is difficult but not impossible to use."},
		P3: {"Medium", "Medium service impact", "Despite proper installation and use of the product: (a) performance or function is degraded, but not critically; or (b) there are minor intermittent problems. A commercially reasonable workaround may be available."},
		P4: {"Low", "Low service impact", "Requests for enhancements or information, questions, documentation issues, or errors with little or no effect on the normal operation of the product."},
	},
	"it": {
		P1: {"Critica", "Impatto molto elevato sul servizio", "Nonostante un'installazione e un utilizzo corretti del prodotto: (a) una parte consistente del prodotto non funziona e non può essere riavviata; (b) un errore in una funzione principale rende tale funzione completamente inutilizzabile; oppure (c) un errore rende instabile un'applicazione di terze parti mission-critical."},
		P2: {"Alta", "Impatto elevato sul servizio", "Nonostante un'installazione e un utilizzo corretti del prodotto, un errore in una funzione principale causa un impatto significativo sul prodotto, rendendone l'utilizzo difficile ma non impossibile."},
		P3: {"Media", "Impatto medio sul servizio", "Nonostante un'installazione e un utilizzo corretti del prodotto: (a) si verifica un degrado non critico delle prestazioni o delle funzioni; oppure (b) si verificano problemi intermittenti di minore importanza. Potrebbe essere disponibile una soluzione temporanea commercialmente ragionevole."},
		P4: {"Bassa", "Impatto basso sul servizio", "Richieste di miglioramento o di informazioni, domande, problemi di documentazione, oppure errori con scarso o nessun effetto sul normale funzionamento del prodotto."},
	},
	"fr": {
		P1: {"Critique", "Impact très fort sur les services", "Malgré une installation et une utilisation conformes du produit : (a) une partie significative du produit ne fonctionne pas et ne peut pas être redémarrée ; (b) une erreur dans une fonction essentielle rend cette fonction totalement inutilisable ; ou (c) une erreur rend instable une application tierce essentielle."},
		P2: {"Élevée", "Fort impact sur les services", "Malgré une installation et une utilisation correctes du produit, une erreur dans une fonction essentielle a un impact significatif sur le produit, le rendant difficile à utiliser, mais pas totalement inutilisable."},
		P3: {"Moyenne", "Impact modéré sur les services", "Malgré une installation et une utilisation correctes du produit : (a) les performances ou les fonctionnalités sont dégradées, sans que ce soit critique ; ou (b) il existe des problèmes mineurs intermittents. Une solution de contournement commercialement raisonnable peut être disponible."},
		P4: {"Basse", "Faible impact sur les services", "Demandes d'amélioration ou d'informations, questions, problèmes de documentation, ou erreurs n'ayant aucun effet ou presque sur le fonctionnement normal du produit."},
	},
}

// Define returns l's definition in lang, falling back to DefaultLanguage when
// lang has none; ok is false only for an invalid level.
func Define(l Level, lang string) (d Definition, ok bool) {
	if d, ok = Definitions[lang][l]; ok {
		return d, true
	}
	d, ok = Definitions[DefaultLanguage][l]
	return d, ok
}
